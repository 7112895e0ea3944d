using System.Diagnostics;
using System.Reflection;
using Npgsql;

namespace Integrations.Migrator;

/// <summary>
/// Applies the SQL scripts embedded under <c>Migrations/&lt;database&gt;/NNN_name.sql</c> in order, each in
/// its own transaction together with its row in <c>schema_migrations</c>, so a script is applied
/// exactly once or not at all. A session advisory lock keeps two migrators from racing. The process
/// exits when done: non-zero on failure, which keeps every dependent service from starting.
/// After a database's scripts, still under the lock, <see cref="ServiceRoles"/> brings the services'
/// login roles and their grants on it up to date.
/// </summary>
public sealed class MigrationRunner(
    IServiceProvider services,
    ServiceRoles roles,
    IHostApplicationLifetime lifetime,
    ILogger<MigrationRunner> logger) : BackgroundService
{
    public static readonly ActivitySource ActivitySource = new(Extensions.TelemetryPrefix + "Migrator");

    // Any constant shared by all migrators works; this one spells "integrat".
    private const long AdvisoryLockKey = 0x696e7465_67726174;

    private static readonly string[] s_databases = ["auditdb", "integrationsdb"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = ActivitySource.StartActivity("Migrate databases");
        try
        {
            foreach (var database in s_databases)
            {
                var dataSource = services.GetRequiredKeyedService<NpgsqlDataSource>(database);
                await MigrateAsync(database, dataSource, stoppingToken);
            }
        }
        catch (Exception ex)
        {
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error);
            MigratorLog.MigrationFailed(logger, ex);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task MigrateAsync(string database, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);

            foreach (var (version, sql) in Scripts(database))
            {
                await using var check = new NpgsqlCommand("SELECT 1 FROM schema_migrations WHERE version = $1", connection)
                {
                    Parameters = { new() { Value = version } },
                };
                if (await check.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version) VALUES ($1)", connection, transaction))
                {
                    record.Parameters.Add(new() { Value = version });
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                MigratorLog.Applied(logger, database, version);
            }

            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                await roles.ApplyAsync(database, connection, transaction, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            MigratorLog.RolesApplied(logger, database);
        }
        finally
        {
            await Execute(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    /// <summary>The embedded scripts for one database, ordered by name.</summary>
    internal static IEnumerable<(string Version, string Sql)> Scripts(string database)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var prefix = $"Migrations/{database}/";
        var names = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            throw new InvalidOperationException($"No migration scripts are embedded for database '{database}'.");
        }

        foreach (var name in names)
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (name[prefix.Length..^".sql".Length], reader.ReadToEnd());
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
