namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A <c>redis-server</c> run as a local process, for machines without a container runtime.
/// Its connection string has the same shape as Aspire's <c>RedisResource</c>, so services consume it
/// unchanged through <c>AddRedisClient</c>.
/// </summary>
public sealed class LocalRedisResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={PasswordParameter}");
}
