using System.Diagnostics;
using System.Text.Json;
using Integrations.Audit.Client;
using Npgsql;

namespace Integrations.Worker.Backfill;

/// <summary>What gap recovery reads and writes besides the deliveries' insert.</summary>
internal static class BackfillQueries
{
    public const string DeliveryAction = "BackfillDelivery";
    public const string RunAction = "Backfill";

    /// <summary>Which of <paramref name="deliveryIds"/> are stored for <paramref name="provider"/>.</summary>
    public static async Task<HashSet<string>> StoredAsync(NpgsqlDataSource dataSource, string provider, string[] deliveryIds, CancellationToken cancellationToken)
    {
        var stored = new HashSet<string>(StringComparer.Ordinal);
        if (deliveryIds.Length == 0)
        {
            return stored;
        }

        await using var command = dataSource.CreateCommand("SELECT delivery_id FROM deliveries WHERE provider = $1 AND delivery_id = ANY($2)");
        command.Parameters.Add(new() { Value = provider });
        command.Parameters.Add(new() { Value = deliveryIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stored.Add(reader.GetString(0));
        }

        return stored;
    }

    /// <summary>The audit row of one recovered delivery.</summary>
    public static AuditEntry DeliveryAuditEntry(string actor, string provider, string deliveryId, string method, Dictionary<string, object?> details)
    {
        details["recovered"] = true;
        details["method"] = method;
        return new AuditEntry(actor, provider, DeliveryAction, $"delivery/{provider}/{deliveryId}", null, AuditStatus.Succeeded,
            Details: JsonSerializer.SerializeToElement(details), TraceId: Activity.Current?.TraceId.ToHexString());
    }
}
