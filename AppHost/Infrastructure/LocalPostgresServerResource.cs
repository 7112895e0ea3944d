namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL server run as a local process (<c>initdb</c> once, then <c>postgres</c>), for machines
/// without a container runtime. Its connection string has the same shape as Aspire's
/// <c>PostgresServerResource</c>.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    public List<LocalPostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create(
            $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username=postgres;Password={PasswordParameter}");
}
