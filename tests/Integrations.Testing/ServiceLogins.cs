namespace Integrations.Testing;

/// <summary>A service role's login as the AppHost declares it, for the extra service processes that tests add.</summary>
public static class ServiceLogins
{
    public static ServiceLoginExtensions.ServiceLogin For(IDistributedApplicationTestingBuilder builder, string database, string role)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var resource = builder.Resources.OfType<IResourceWithConnectionString>().Single(r => r.Name == database);
        return new ServiceLoginExtensions.ServiceLogin(
            role,
            builder.CreateResourceBuilder(resource),
            builder.CreateResourceBuilder<ParameterResource>(ServiceLoginExtensions.PasswordParameterName(role)));
    }
}
