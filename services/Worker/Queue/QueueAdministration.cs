using Integrations.Worker.Client;
using Integrations.Receiver.Client;
using Npgsql;
using NpgsqlTypes;

namespace Integrations.Worker.Queue;

/// <summary>
/// Operator actions on the queue. Redrive puts dead deliveries back with a fresh attempt budget;
/// replay does the same for any stored delivery, done ones included. Both keep the delivery's id
/// and so its idempotency keys, which is what keeps a replay from repeating an effect that already
/// happened. Each announces the work with <c>NOTIFY deliveries</c> in the same transaction, which
/// commits only once the caller's audit callback has recorded what was done (nothing done, nothing
/// recorded); an audit store that cannot be reached leaves the queue as it was.
/// </summary>
public sealed class QueueAdministration(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<DeadLetter>> ListDeadAsync(string? provider, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT provider, delivery_id, event_type, attempts, last_error, received_at
            FROM deliveries WHERE state = '{DeliveryState.Dead}' AND ($1::text IS NULL OR provider = $1)
            ORDER BY id LIMIT $2
            """);
        command.Parameters.Add(new() { Value = (object?)provider ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = limit });
        var list = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DeadLetter(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return list;
    }

    /// <summary>One stored delivery, read without claiming or changing it; <c>null</c> when there is none.</summary>
    public async Task<StoredDelivery?> FindAsync(string provider, string deliveryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, event_type, body, traceparent, tracestate, attempts, state
            FROM deliveries WHERE provider = $1 AND delivery_id = $2
            """);
        command.Parameters.Add(new() { Value = provider });
        command.Parameters.Add(new() { Value = deliveryId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredDelivery(
            new ClaimedDelivery(
                reader.GetInt64(0),
                provider,
                deliveryId,
                reader.GetString(1),
                reader.GetFieldValue<byte[]>(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt32(5)),
            reader.GetString(6));
    }

    /// <summary>Requeues dead deliveries (all, or one provider's); <paramref name="audit"/> is told how many; returns how many.</summary>
    public Task<int> RedriveAsync(string? provider, Func<int, CancellationToken, Task> audit, CancellationToken cancellationToken) =>
        RequeueAsync($"state = '{DeliveryState.Dead}' AND ($1::text IS NULL OR provider = $1)", provider, null, audit, cancellationToken);

    /// <summary>Requeues one stored delivery whatever its state, unless a worker holds it now; returns whether it did.</summary>
    public async Task<bool> ReplayAsync(string provider, string deliveryId, Func<CancellationToken, Task> audit, CancellationToken cancellationToken) =>
        await RequeueAsync($"provider = $1 AND delivery_id = $2 AND state <> '{DeliveryState.Processing}'", provider, deliveryId, (_, ct) => audit(ct), cancellationToken) == 1;

    private async Task<int> RequeueAsync(string where, string? provider, string? deliveryId, Func<int, CancellationToken, Task> audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var update = new NpgsqlCommand($"""
            UPDATE deliveries SET state = '{DeliveryState.Received}', attempts = 0, next_attempt_at = now(), completed_at = NULL
            WHERE {where}
            """, connection, transaction);
        update.Parameters.Add(new() { Value = (object?)provider ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        if (deliveryId is not null)
        {
            update.Parameters.Add(new() { Value = deliveryId });
        }

        var requeued = await update.ExecuteNonQueryAsync(cancellationToken);
        if (requeued == 0 && deliveryId is not null)
        {
            return 0; // nothing replayed, nothing to record
        }

        await audit(requeued, cancellationToken);
        await using (var notify = new NpgsqlCommand($"NOTIFY {DeliveryQueue.NotifyChannel}", connection, transaction))
        {
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return requeued;
    }
}
