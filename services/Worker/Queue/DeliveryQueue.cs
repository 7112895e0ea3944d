using Integrations.Receiver.Client;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Integrations.Worker.Queue;

/// <summary>
/// The worker's side of the <c>deliveries</c> table, which is the queue. Claiming is one statement:
/// the oldest due row is locked with <c>FOR UPDATE SKIP LOCKED</c>, so competing workers never take
/// the same row, and leased by moving its <c>next_attempt_at</c> to <c>now() + Lease</c>. A row whose
/// lease ran out (its worker crashed) is simply due again, so one indexed predicate finds all work.
/// Claims and completions are batched: one statement claims several rows, and the successes of a
/// batch are marked done together, which keeps the database's work per delivery small. Completion and failure only touch rows still in <c>processing</c> under
/// the claimed attempt, so a worker that lost its lease cannot overwrite a newer owner's result.
/// <para>
/// These state changes commit without waiting for their WAL flush (<c>synchronous_commit</c> off, for
/// their own transaction only). The receiver's insert stays synchronous: that is what a 202 promises.
/// An operating-system crash can lose the last few hundred milliseconds of queue changes, and
/// PostgreSQL loses them in commit order, so a lost change only puts a delivery back to an earlier
/// state: claimed again once its lease runs out, the same as after a worker crash, and every effect
/// its flow already had is skipped by its idempotency key. In exchange, claims and completions do
/// not queue behind the receiver's fsyncs, and the database flushes less often.
/// </para>
/// </summary>
public sealed class DeliveryQueue(NpgsqlDataSource dataSource, IOptions<QueueOptions> options)
{
    public const string NotifyChannel = Integrations.DeliveryStorage.DeliveryRows.NotifyChannel;

    /// <summary>Claims up to <paramref name="max"/> due deliveries, oldest first, in one statement.</summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        await using var batch = CreateStateChange();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            UPDATE deliveries
            SET state = '{DeliveryState.Processing}', attempts = attempts + 1, next_attempt_at = now() + $1
            WHERE id IN (
                SELECT id FROM deliveries
                WHERE state IN ('{DeliveryState.Received}', '{DeliveryState.Failed}', '{DeliveryState.Processing}') AND next_attempt_at <= now()
                ORDER BY next_attempt_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED)
            RETURNING id, provider, delivery_id, event_type, body, traceparent, tracestate, attempts
            """)
        {
            Parameters = { new() { Value = options.Value.Lease }, new() { Value = max } },
        });

        var claimed = new List<ClaimedDelivery>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        // The first result is the commit setting's own row.
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedDelivery(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<byte[]>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetInt32(7)));
        }

        return claimed;
    }

    /// <summary>Marks deliveries done, each only if this worker's claim on it still stands.</summary>
    public async Task CompleteAsync(IReadOnlyCollection<ClaimedDelivery> deliveries, CancellationToken cancellationToken)
    {
        if (deliveries.Count == 0)
        {
            return;
        }

        // One statement per row, by primary key, sent together and committed together. A single
        // UPDATE ... FROM unnest(ids) lets the planner reach the rows through the partial due
        // index (its predicate is implied by state = 'processing'), whose entries for finished
        // rows stay until vacuum: that plan read the whole index on every batch.
        await using var batch = CreateStateChange();
        foreach (var delivery in deliveries)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
                UPDATE deliveries
                SET state = '{DeliveryState.Done}', completed_at = now(), last_error = NULL
                WHERE id = $1 AND state = '{DeliveryState.Processing}' AND attempts = $2
                """)
            {
                Parameters = { new() { Value = delivery.Id }, new() { Value = delivery.Attempt } },
            });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Puts a delivery back without counting the attempt, due again after <paramref name="notBefore"/>
    /// (a spent rate budget, another worker's lease).
    /// </summary>
    public async Task DeferAsync(ClaimedDelivery delivery, TimeSpan notBefore, CancellationToken cancellationToken)
    {
        await using var batch = CreateStateChange();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            UPDATE deliveries
            SET state = '{DeliveryState.Received}', attempts = attempts - 1, next_attempt_at = now() + $3
            WHERE id = $1 AND state = '{DeliveryState.Processing}' AND attempts = $2
            """)
        {
            Parameters = { new() { Value = delivery.Id }, new() { Value = delivery.Attempt }, new() { Value = notBefore } },
        });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a failed attempt: retried later, or dead-lettered when permanent or out of attempts.</summary>
    /// <param name="notBefore">A provider's <c>Retry-After</c>: the retry comes no earlier, whatever the schedule says.</param>
    public async Task<string> FailAsync(ClaimedDelivery delivery, string error, bool permanent, TimeSpan? notBefore, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var dead = permanent || delivery.Attempt >= settings.MaxAttempts;
        var scheduled = RetrySchedule.DelayFor(delivery.Attempt, settings.BaseRetryDelay, settings.MaxRetryDelay, Random.Shared);
        // A dead delivery is due never; its next_attempt_at just records when it died.
        var delay = dead ? TimeSpan.Zero : notBefore > scheduled ? notBefore.Value : scheduled;

        await using var batch = CreateStateChange();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            UPDATE deliveries
            SET state = $3, next_attempt_at = now() + $4, last_error = $5
            WHERE id = $1 AND state = '{DeliveryState.Processing}' AND attempts = $2
            """)
        {
            Parameters =
            {
                new() { Value = delivery.Id },
                new() { Value = delivery.Attempt },
                new() { Value = dead ? DeliveryState.Dead : DeliveryState.Failed },
                new() { Value = delay },
                new() { Value = error.Length > 2000 ? error[..2000] : error },
            },
        });
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return dead ? DeliveryState.Dead : DeliveryState.Failed;
    }

    /// <summary>
    /// A batch whose commands commit as one transaction without waiting for the WAL flush (see the
    /// class remarks). <c>set_config(..., true)</c> is <c>SET LOCAL</c>: it ends with the transaction, so
    /// a pooled connection goes back unchanged.
    /// </summary>
    private NpgsqlBatch CreateStateChange()
    {
        var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"));
        return batch;
    }

    public async Task<NpgsqlConnection> OpenListenerAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var listen = new NpgsqlCommand($"LISTEN {NotifyChannel}", connection);
        await listen.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}
