using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Reports the PostgreSQL role a service logs in as, so a service that connects with the wrong
/// credentials is visible on <c>/health</c>: unhealthy when the role is a superuser, may create roles
/// or databases, replicate or bypass row security, or owns a table (an owner may drop or alter it).
/// Each service logs in as its own least-privilege role (docs/architecture.md, "Database roles").
/// The role's name is in the check's data as <c>role</c>.
/// </summary>
public sealed class DatabaseLoginHealthCheck(DbDataSource dataSource) : IHealthCheck
{
    public const string Name = "database-login";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                SELECT session_user::text,
                       rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls,
                       EXISTS (SELECT FROM pg_class WHERE relowner = r.oid)
                FROM pg_roles r WHERE rolname = session_user
                """);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("The login role is not in pg_roles.");
            }

            var role = reader.GetString(0);
            var data = new Dictionary<string, object> { ["role"] = role };
            return reader.GetBoolean(1) || reader.GetBoolean(2)
                ? HealthCheckResult.Unhealthy($"Connections log in as {role}, which is privileged or owns tables: the service must log in as its own role.", data: data)
                : HealthCheckResult.Healthy($"Connections log in as {role}.", data);
        }
        catch (DbException ex)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", ex);
        }
    }
}
