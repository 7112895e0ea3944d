using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Integrations.Receiver;

/// <summary>
/// Stores verified deliveries in <c>deliveries</c>, which is also the worker's queue. The insert
/// commits before the receiver answers 202, so an acknowledged delivery survives any crash. The
/// unique (provider, delivery_id) constraint is the dedup: a second insert of the same delivery
/// does nothing and is reported as a duplicate, across restarts and replicas alike. The current
/// trace context is stored with the row so the worker continues the same trace.
/// </summary>
public sealed class DeliveryStore(NpgsqlDataSource dataSource)
{
    public const string NotifyChannel = "deliveries";

    public async Task<StoreResult> StoreAsync(InboundDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);

        var activity = Activity.Current;
        await using var batch = dataSource.CreateBatch();
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO deliveries (provider, delivery_id, event_type, headers, body, traceparent, tracestate)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT ON CONSTRAINT deliveries_dedup DO NOTHING
            RETURNING id
            """);
        insert.Parameters.Add(new() { Value = delivery.Provider });
        insert.Parameters.Add(new() { Value = delivery.DeliveryId });
        insert.Parameters.Add(new() { Value = delivery.EventType });
        insert.Parameters.Add(new() { Value = JsonSerializer.Serialize(delivery.Headers), NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new() { Value = delivery.Body });
        insert.Parameters.Add(new() { Value = (object?)activity?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = (object?)activity?.TraceStateString ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        batch.BatchCommands.Add(insert);
        // NOTIFY is transactional: it is delivered only if the insert commits.
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {NotifyChannel}"));

        var id = await batch.ExecuteScalarAsync(cancellationToken);
        return id is long stored ? new StoreResult(stored, Duplicate: false) : new StoreResult(null, Duplicate: true);
    }
}

public sealed record InboundDelivery(
    string Provider,
    string DeliveryId,
    string EventType,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body);

public sealed record StoreResult(long? Id, bool Duplicate);
