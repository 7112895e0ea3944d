using Npgsql;

namespace Integrations.Stack.Bench;

/// <summary>
/// Reads the push flow's audit rows straight from the audit database: one <c>succeeded</c> row
/// per delivery, keyed <c>github:&lt;X-GitHub-Delivery&gt;:send_message</c>, stamped (<c>ts</c>) by
/// the audit service when its batch committed. Delivery ids start with the run's prefix, so one
/// run's rows are told apart from another's.
/// </summary>
internal sealed class AuditRows(string connectionString)
{
    private const string Where = "status = 'succeeded' AND idempotency_key LIKE $1";

    public async Task<long> CountAsync(string run, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT count(DISTINCT idempotency_key) FROM audit_events WHERE {Where}", connection)
        {
            Parameters = { new() { Value = Pattern(run) } },
        };
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The first succeeded row per delivery id, and how many deliveries had more than one.</summary>
    public async Task<(Dictionary<string, DateTimeOffset> Rows, int Duplicated)> ReadAsync(string run, CancellationToken cancellationToken) =>
        await ReadAsync(run, "succeeded", cancellationToken);

    /// <summary>
    /// The first row with <paramref name="status"/> per delivery id (<c>started</c> is written just
    /// before the Slack call), and how many deliveries had more than one.
    /// </summary>
    public async Task<(Dictionary<string, DateTimeOffset> Rows, int Duplicated)> ReadAsync(string run, string status, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT idempotency_key, min(ts), count(*) FROM audit_events WHERE status = $2 AND idempotency_key LIKE $1 GROUP BY idempotency_key", connection)
        {
            Parameters = { new() { Value = Pattern(run) }, new() { Value = status } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var duplicated = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(0);
            var deliveryId = key["github:".Length..^":send_message".Length];
            rows[deliveryId] = new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero);
            duplicated += reader.GetInt64(2) > 1 ? 1 : 0;
        }

        return (rows, duplicated);
    }

    /// <summary>
    /// Polls until <paramref name="expected"/> deliveries of <paramref name="run"/> have their row or
    /// <paramref name="timeout"/> passes; reports progress every 10 s. Returns the last count.
    /// </summary>
    public async Task<long> WaitForAsync(string run, int expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var reported = started;
        while (true)
        {
            var count = await CountAsync(run, cancellationToken);
            var now = DateTime.UtcNow;
            if (count >= expected || now - started >= timeout || cancellationToken.IsCancellationRequested)
            {
                return count;
            }

            if (now - reported >= TimeSpan.FromSeconds(10))
            {
                Console.WriteLine($"  ... {count:N0} of {expected:N0} audit rows after {(now - started).TotalSeconds:F0} s");
                reported = now;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
        }
    }

    /// <summary>Of the github deliveries of <paramref name="run"/>: how many are <c>done</c>, and how many there are.</summary>
    public static async Task<(long Done, long All)> DeliveriesAsync(string integrationsDb, string run, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(integrationsDb);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE state = 'done'), count(*) FROM deliveries WHERE provider = 'github' AND delivery_id LIKE $1", connection)
        {
            Parameters = { new() { Value = $"{run}-%" } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static string Pattern(string run) => $"github:{run}-%:send_message";

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
