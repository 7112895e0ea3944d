using Integrations.Receiver.Client;
using Npgsql;
using NpgsqlTypes;

namespace Integrations.Receiver;

/// <summary>Reads delivery state for operators; never returns bodies or signature headers.</summary>
public sealed class DeliveryQueries(NpgsqlDataSource dataSource)
{
    private const string Columns = "provider, delivery_id, event_type, state, attempts, received_at, completed_at, last_error, recovered";

    public async Task<DeliveryStatus?> GetAsync(string provider, string deliveryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM deliveries WHERE provider = $1 AND delivery_id = $2");
        command.Parameters.Add(new() { Value = provider });
        command.Parameters.Add(new() { Value = deliveryId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<DeliveryStatus>> ListAsync(string provider, string? state, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM deliveries
            WHERE provider = $1 AND ($2::text IS NULL OR state = $2)
            ORDER BY id DESC LIMIT $3
            """);
        command.Parameters.Add(new() { Value = provider });
        command.Parameters.Add(new() { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = limit });
        var list = new List<DeliveryStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private static DeliveryStatus Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt32(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetBoolean(8));
}
