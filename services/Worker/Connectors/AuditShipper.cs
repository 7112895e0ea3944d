using System.Diagnostics;
using System.Net;
using Integrations.Audit.Client;
using Integrations.Worker.Queue;
using Npgsql;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Ships the worker's <see cref="AuditOutbox"/> to the audit service: the oldest rows first, up to
/// <see cref="MaxBatch"/> per call, locked (<c>FOR UPDATE SKIP LOCKED</c>, so replicas never ship the
/// same rows at once) and deleted in the transaction that read them, once the audit service has
/// committed them. It ships as soon as rows are announced, with no timer: rows announced while a call
/// is under way gather behind it and go together in the next one, so a call carries more rows as the
/// load grows and a row never waits for a batch to fill. It also polls, so rows another replica left
/// behind (it crashed) still go. Shipping is at least once: if the deletion is lost after the audit service
/// committed, the rows go again, and their entry ids make the repeat a no-op there. While the audit
/// service or the database is unreachable the rows wait, retried with a growing pause; nothing is
/// dropped. A batch refused as invalid is sent again row by row, and a row refused alone stays in
/// the outbox marked <c>refused</c>, logged, and is not shipped again.
/// <para>
/// A call reads on from the highest id shipped so far rather than from the start of the table: the
/// rows shipped before stay in the primary key's index as dead entries until autovacuum reaches the
/// table (once a minute at most, by default), and a scan from the start stepped over every one of
/// them, 4.8 ms per call at 1,000 deliveries/s. Ids are taken at insert, not at commit, so a row can
/// commit below an id already shipped: at least once every <see cref="s_fullScanInterval"/> a call
/// reads from the start again, and such a row waits that long at most.
/// </para>
/// </summary>
public sealed class AuditShipper(NpgsqlDataSource dataSource, AuditOutbox outbox, IHttpClientFactory clients, ILogger<AuditShipper> logger) : BackgroundService
{
    /// <summary>The most rows one call carries: the audit service's largest batch.</summary>
    public const int MaxBatch = 1000;

    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_longestPause = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_fullScanInterval = TimeSpan.FromSeconds(1);

    // Only the shipping loop calls ShipAsync, one call at a time.
    private long _shippedUpTo;
    private long _nextFullScan;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => ShipUntilStoppedAsync(ShipAsync, outbox, s_pollInterval, logger, stoppingToken);

    /// <summary>The shipping loop: ships at each announcement or poll, and outlives every failure of <paramref name="ship"/>.</summary>
    internal static async Task ShipUntilStoppedAsync(
        Func<CancellationToken, Task<int>> ship, AuditOutbox outbox, TimeSpan pollInterval, ILogger logger, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Read before shipping: an announcement during the call completes it, and the next round starts at once.
            var announced = outbox.Next;
            try
            {
                while (await ship(stoppingToken) == MaxBatch)
                {
                }

                failures = 0;
                await WorkSignal.WaitAsync(announced, pollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever failed (the database, the audit service, the resilience pipeline's timeout or
                // open circuit), the rows stay in the outbox: this loop must outlive it, or the host stops.
                var pause = TimeSpan.FromMilliseconds(Math.Min(s_longestPause.TotalMilliseconds, 250 * Math.Pow(2, failures++)));
                WorkerLog.AuditShippingFailed(logger, pause.TotalSeconds, ex);
                await Task.Delay(pause, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <returns>How many rows were taken from the outbox (shipped or refused).</returns>
    public async Task<int> ShipAsync(CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        var fullScan = now >= _nextFullScan;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<(long Id, AuditEntry Entry)>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, entry_id, entry::text FROM audit_outbox WHERE refused IS NULL AND id > $2 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = MaxBatch });
            select.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fullScan ? 0 : _shippedUpTo });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), AuditOutbox.Read(reader.GetString(2), reader.GetGuid(1))));
            }
        }

        if (fullScan)
        {
            _nextFullScan = now + (long)s_fullScanInterval.TotalMilliseconds;
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        using var activity = DeliveryProcessor.ActivitySource.StartActivity("ship audit rows", ActivityKind.Producer, parentContext: default);
        activity?.SetTag("integrations.batch_size", rows.Count);
        var refused = await SendAsync(rows, cancellationToken);

        await using var settle = new NpgsqlBatch(connection, transaction);
        settle.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM audit_outbox WHERE id = ANY($1)")
        {
            Parameters = { new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(row => row.Id).Except(refused)] } },
        });
        if (refused.Count > 0)
        {
            settle.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE audit_outbox SET refused = 'The audit service refused this entry as invalid (400).' WHERE id = ANY($1)")
            {
                Parameters = { new NpgsqlParameter<long[]> { TypedValue = [.. refused] } },
            });
        }

        await settle.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _shippedUpTo = Math.Max(_shippedUpTo, rows[^1].Id);
        return rows.Count;
    }

    /// <returns>The outbox ids of the rows the audit service refused as invalid; every other row is committed there.</returns>
    private async Task<List<long>> SendAsync(List<(long Id, AuditEntry Entry)> rows, CancellationToken cancellationToken)
    {
        var audit = new AuditClient(clients.CreateClient(nameof(AuditClient)));
        try
        {
            await audit.WriteManyAsync([.. rows.Select(row => row.Entry)], cancellationToken);
            return [];
        }
        catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.BadRequest)
        {
            // Not an outage: some entry is invalid, and nothing was written. Alone, each valid entry is written and each invalid one refused.
        }

        var refused = new List<long>();
        foreach (var (id, entry) in rows)
        {
            try
            {
                await audit.WriteAsync(entry, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.BadRequest)
            {
                WorkerLog.AuditRowRefused(logger, id);
                refused.Add(id);
            }
        }

        return refused;
    }
}
