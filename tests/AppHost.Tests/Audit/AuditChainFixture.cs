namespace Integrations.AppHost.Tests;

/// <summary>
/// A stack of its own for tests that tamper with audit rows (the shared stack's chain must stay intact),
/// with a second audit service process, <see cref="Replica"/>, on the same database: its own pool and writer;
/// and a third, <see cref="Late"/>, that starts only when a test starts it, to see what a starting service does.
/// </summary>
public sealed class AuditChainFixture() : SharedStack("audit-chain")
{
    public const string Replica = "audit-replica";
    public const string Late = "audit-late";

    protected override Task<DistributedApplication> StartAsync(ThrowawayStack stack) =>
        stack.StartAsync(
            [
                $"Parameters:audit-api-key={StackFixture.AuditApiKey}",
                $"Parameters:audit-admin-key={StackFixture.AuditAdminKey}",
                $"Parameters:audit-chain-key={StackFixture.AuditChainKey}",
            ],
            builder =>
            {
                AddAuditProcess(builder, Replica);
                AddAuditProcess(builder, Late).WithExplicitStart();
            },
            "audit", Replica);

    private static IResourceBuilder<ProjectResource> AddAuditProcess(IDistributedApplicationTestingBuilder builder, string name)
    {
        return builder.AddProject(name, Path.Combine(builder.AppHostDirectory, "..", "services", "Audit", "Audit.csproj"))
            .WithServiceLogin(ServiceLogins.For(builder, "auditdb", "audit_service"))
            .WaitForCompletion(builder.CreateResourceBuilder<ProjectResource>("migrator"))
            .WithEnvironment("INTEGRATION_ENV", "sandbox")
            .WithEnvironment("Audit__ApiKey", StackFixture.AuditApiKey)
            .WithEnvironment("Audit__AdminKey", StackFixture.AuditAdminKey)
            .WithEnvironment("Audit__ChainKey", StackFixture.AuditChainKey)
            .WithHttpHealthCheck("/health");
    }
}
