using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Integrations.Audit;

/// <summary>
/// Least privilege for the audit store. Migration 002 creates <c>audit_writer</c>, a NOLOGIN role with
/// INSERT and SELECT on <c>audit_events</c> only. Every physical connection of the service's data source
/// switches to it before first use, and pooled connections are not reset on close (a reset would drop the
/// role), so no statement of this service can UPDATE, DELETE or TRUNCATE audit rows. The health check
/// proves it: the service is unhealthy unless its connections run as the role and lack those privileges.
/// </summary>
public sealed class DatabaseRole(NpgsqlDataSource dataSource) : IHealthCheck
{
    public const string Name = "audit_writer";

    public static void Configure(NpgsqlDataSourceBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        builder.UsePhysicalConnectionInitializer(
            connection =>
            {
                using var command = new NpgsqlCommand($"SET ROLE {Name}", connection);
                command.ExecuteNonQuery();
            },
            async connection =>
            {
                await using var command = new NpgsqlCommand($"SET ROLE {Name}", connection);
                await command.ExecuteNonQueryAsync();
            });
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                SELECT current_user::text,
                       has_table_privilege('audit_events', 'INSERT'),
                       has_table_privilege('audit_events', 'UPDATE') OR has_table_privilege('audit_events', 'DELETE')
                           OR has_table_privilege('audit_events', 'TRUNCATE')
                """);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var role = reader.GetString(0);
            var canInsert = reader.GetBoolean(1);
            var canChange = reader.GetBoolean(2);
            return role == Name && canInsert && !canChange
                ? HealthCheckResult.Healthy($"Connections run as {Name}: INSERT and SELECT only.")
                : HealthCheckResult.Unhealthy($"Connections run as {role}, which must be {Name} with INSERT and without UPDATE, DELETE or TRUNCATE.");
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("The audit database does not answer.", ex);
        }
    }
}
