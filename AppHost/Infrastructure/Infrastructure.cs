namespace Integrations.AppHost;

/// <summary>The stateful resources every service builds on, whichever <see cref="InfrastructureMode"/> runs them.</summary>
public sealed record Infrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Cache,
    IResourceBuilder<IResourceWithConnectionString> AuditDb,
    IResourceBuilder<IResourceWithConnectionString> IntegrationsDb);
