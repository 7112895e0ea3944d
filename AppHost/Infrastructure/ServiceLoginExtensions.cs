namespace Integrations.AppHost;

/// <summary>
/// Least privilege in PostgreSQL: each service logs in as its own role (<c>integrations_receiver</c>,
/// <c>integrations_worker</c>, <c>integrations_broker</c>, <c>audit_service</c>), never as the server's
/// superuser, which stays with the migrator, the dashboard and the tests.
/// <list type="bullet">
/// <item>Each role has its own password: a stored secret in run mode (generated once, kept owner-only in
/// <c>&lt;data&gt;/secrets/</c>, see <see cref="ApiKeyExtensions.AddStoredKey"/>), a secret parameter the
/// deployer supplies in publish mode.</item>
/// <item>The migrator receives every role's password (<c>ServiceRoles__&lt;role&gt;__Password</c>) and, on
/// every run, creates each role if it is missing, sets its password and applies its grants, so
/// the grants in <c>services/Migrator/Grants/</c> are the whole truth.</item>
/// <item>A service gets a connection string for its database with its role and password, under the name it
/// already reads (<c>ConnectionStrings__integrationsdb</c>, <c>ConnectionStrings__auditdb</c>), and its own
/// name as the application name, so <c>pg_stat_activity</c> shows who is connected as whom.</item>
/// </list>
/// The host and port are the server's own endpoint, in container and local mode alike.
/// </summary>
public static class ServiceLoginExtensions
{
    /// <summary>A service role's login on one database: the role's name and its password parameter.</summary>
    public sealed record ServiceLogin(string Role, IResourceBuilder<IResourceWithConnectionString> Database, IResourceBuilder<ParameterResource> Password);

    /// <summary>The name of the secret parameter that holds <paramref name="role"/>'s password.</summary>
    public static string PasswordParameterName(string role)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        return $"pg-{role.Replace('_', '-')}-password";
    }

    /// <summary>A login role on <paramref name="database"/>, with its password as a stored secret parameter.</summary>
    public static ServiceLogin AddServiceLogin(this IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithConnectionString> database, string role)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        return new ServiceLogin(role, database, builder.AddStoredKey(PasswordParameterName(role)));
    }

    /// <summary>Gives the migrator the passwords of the roles it creates; it fails at start when one is missing.</summary>
    public static IResourceBuilder<ProjectResource> WithServiceLogins(this IResourceBuilder<ProjectResource> migrator, params ServiceLogin[] logins)
    {
        ArgumentNullException.ThrowIfNull(migrator);
        foreach (var login in logins)
        {
            migrator.WithEnvironment($"ServiceRoles__{login.Role}__Password", login.Password);
        }

        return migrator;
    }

    /// <summary>Connects <paramref name="service"/> to the login's database as the login's role, in place of <c>WithReference(database)</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithServiceLogin(this IResourceBuilder<ProjectResource> service, ServiceLogin login)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(login);
        var (endpoint, databaseName) = login.Database.Resource switch
        {
            PostgresDatabaseResource database => (database.Parent.PrimaryEndpoint, database.DatabaseName),
            LocalPostgresDatabaseResource database => (database.Parent.PrimaryEndpoint, database.DatabaseName),
            var other => throw new InvalidOperationException($"'{other.Name}' is not a PostgreSQL database."),
        };
        var connectionString = ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username={login.Role};Password={login.Password.Resource};Database={databaseName};Application Name={service.Resource.Name}");
        return service
            .WithEnvironment($"ConnectionStrings__{login.Database.Resource.Name}", connectionString)
            .WithRelationship(login.Database.Resource, "Reference");
    }
}
