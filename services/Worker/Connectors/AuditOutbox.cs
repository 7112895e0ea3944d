using System.Text.Json;
using Integrations.Audit.Client;
using Integrations.Worker.Queue;
using Npgsql;

namespace Integrations.Worker.Connectors;

/// <summary>
/// The worker's audit outbox (<c>audit_outbox</c>, in its own database): every audit row the worker
/// writes is committed here first, by <see cref="WriteAudit"/> alone or in the same transaction as
/// the state it records (an effect's start and completion in <see cref="EffectLedger"/>), and <see cref="AuditShipper"/>
/// sends it on to the audit service. <see cref="Announce"/> wakes the shipper after a commit.
/// </summary>
public sealed class AuditOutbox
{

    private readonly WorkSignal _written = new();

    /// <summary>Completes at the first <see cref="Announce"/> after it was read.</summary>
    internal Task Next => _written.Next;

    /// <summary>Rows were committed: the shipper sends them now rather than at its next poll.</summary>
    public void Announce() => _written.Pulse();

    /// <summary>A statement that adds <paramref name="entries"/> to the outbox, for a batch that commits it with other statements.</summary>
    public static NpgsqlBatchCommand Insert(IEnumerable<AuditEntry> entries) =>
        new("INSERT INTO audit_outbox (entry) SELECT * FROM unnest($1::json[])")
        {
            Parameters = { new NpgsqlParameter<string[]> { TypedValue = [.. entries.Select(Serialize)] } },
        };

    /// <summary>An entry as the outbox stores it.</summary>
    public static string Serialize(AuditEntry entry) => JsonSerializer.Serialize(entry, JsonSerializerOptions.Web);

    internal static AuditEntry Read(string json, Guid entryId) =>
        (JsonSerializer.Deserialize<AuditEntry>(json, JsonSerializerOptions.Web) ?? throw new InvalidOperationException("An audit outbox row holds no entry.")) with { EntryId = entryId };
}
