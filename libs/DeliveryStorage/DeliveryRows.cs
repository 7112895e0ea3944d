using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Integrations.DeliveryStorage;

/// <summary>
/// The one insert into <c>deliveries</c>, shared by the receiver (live deliveries) and the worker's gap
/// recovery (Stripe events fetched from the API), so both have the same dedup: the unique
/// (provider, delivery_id) constraint with <c>ON CONFLICT DO NOTHING</c>. Whichever arrives first is the
/// delivery; the other is a duplicate and changes nothing, across processes and restarts alike.
/// <para>
/// A row is stored <c>recovered</c> when its caller says so, or when gap recovery asked the provider to
/// send it again (a row in <c>redelivery_requests</c>, written before GitHub is asked to redeliver): such a
/// redelivery arrives signed at the receiver through the normal path, and is marked there. The lookup is
/// one primary-key probe per row, on a table that holds only the ids recovery asked for.
/// </para>
/// </summary>
public static class DeliveryRows
{
    /// <summary>The channel the workers <c>LISTEN</c> on; a NOTIFY on it after a commit wakes them.</summary>
    public const string NotifyChannel = "deliveries";

    /// <summary>Inserts <paramref name="deliveries"/> in one statement; answers the new rows' ids by (provider, delivery id). Duplicates are left out.</summary>
    public static async Task<Dictionary<(string Provider, string DeliveryId), long>> InsertAsync(
        NpgsqlCommand insert, IReadOnlyList<NewDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(insert);
        ArgumentNullException.ThrowIfNull(deliveries);
        insert.CommandText = """
            INSERT INTO deliveries (provider, delivery_id, event_type, headers, body, traceparent, tracestate, recovered)
            SELECT u.provider, u.delivery_id, u.event_type, u.headers, u.body, u.traceparent, u.tracestate,
                   u.recovered OR EXISTS (SELECT 1 FROM redelivery_requests r WHERE r.provider = u.provider AND r.delivery_id = u.delivery_id)
            FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bytea[], $6::text[], $7::text[], $8::boolean[])
                 AS u(provider, delivery_id, event_type, headers, body, traceparent, tracestate, recovered)
            ON CONFLICT ON CONSTRAINT deliveries_dedup DO NOTHING
            RETURNING provider, delivery_id, id
            """;
        insert.Parameters.Clear();
        insert.Parameters.Add(new() { Value = deliveries.Select(d => d.Provider).ToArray() });
        insert.Parameters.Add(new() { Value = deliveries.Select(d => d.DeliveryId).ToArray() });
        insert.Parameters.Add(new() { Value = deliveries.Select(d => d.EventType).ToArray() });
        insert.Parameters.Add(new() { Value = deliveries.Select(d => JsonSerializer.Serialize(d.Headers, DeliveryStorageJsonContext.Default.IReadOnlyDictionaryStringString)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new() { Value = deliveries.Select(d => d.Body).ToArray() });
        insert.Parameters.Add(new() { Value = deliveries.Select(d => d.TraceParent).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = deliveries.Select(d => d.TraceState).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = deliveries.Select(d => d.Recovered).ToArray() });

        var inserted = new Dictionary<(string, string), long>();
        await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        return inserted;
    }
}
