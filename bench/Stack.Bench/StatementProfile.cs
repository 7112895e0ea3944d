using Npgsql;

namespace Integrations.Stack.Bench;

/// <summary>
/// Where PostgreSQL's share of a run goes (<c>--statements yes</c>): the server starts with
/// <c>pg_stat_statements</c> loaded, the counters are reset before the throughput phase, and after it
/// every database's statements are listed by execution time per delivery, with the commits and the WAL
/// the run wrote per delivery. Execution time includes waits (locks, the WAL flush of a commit), so it
/// ranks statements, and is not PostgreSQL's CPU.
/// </summary>
internal sealed class StatementProfile(string superuserConnectionString)
{
    /// <summary>The server setting that loads the extension; it takes effect only at start.</summary>
    public const string ServerSettings = "shared_preload_libraries=pg_stat_statements";

    private const int Shown = 15;

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"),
                new("SELECT pg_stat_statements_reset()"),
                new("SELECT pg_stat_reset_shared('wal')"),
                new("SELECT pg_stat_reset()"),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Prints the statements by execution time, then commits and WAL, each per delivery.</summary>
    public async Task PrintAsync(int deliveries, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        Console.WriteLine($"  PostgreSQL statements by execution time, per delivery ({deliveries:N0}); pg_stat_statements, all databases:");
        Console.WriteLine("    exec µs   calls   rows  database        statement");
        await using (var command = new NpgsqlCommand(
            """
            SELECT s.total_exec_time, s.calls, s.rows, d.datname, regexp_replace(s.query, '\s+', ' ', 'g')
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            ORDER BY s.total_exec_time DESC LIMIT $1
            """, connection) { Parameters = { new() { Value = Shown } } })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var query = reader.GetString(4);
                Console.WriteLine(
                    $"    {reader.GetDouble(0) * 1000 / deliveries,7:N1}  {(double)reader.GetInt64(1) / deliveries,6:N2}  {(double)reader.GetInt64(2) / deliveries,5:N2}  {reader.GetString(3),-14}  {(query.Length > 100 ? query[..100] + " …" : query)}");
            }
        }

        await using (var command = new NpgsqlCommand(
            """
            SELECT (SELECT sum(total_exec_time) FROM pg_stat_statements),
                   (SELECT sum(xact_commit) FROM pg_stat_database),
                   wal_records, wal_bytes, wal_sync
            FROM pg_stat_wal
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            Console.WriteLine(
                $"    all statements {reader.GetDouble(0) * 1000 / deliveries:N0} µs; commits {reader.GetDecimal(1) / deliveries:N2}, WAL records {(double)reader.GetInt64(2) / deliveries:N1}, " +
                $"WAL {reader.GetDecimal(3) / deliveries / 1024:N1} KiB, WAL flushes {(double)reader.GetInt64(4) / deliveries:N2} per delivery");
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
