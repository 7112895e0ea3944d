using System.Text.Json;
using Integrations.Audit.Client;

namespace Integrations.Audit.Chain;

/// <summary>
/// A row of <c>audit_events</c> with every hashed field; <see cref="Details"/> is the stored JSON text.
/// <see cref="Caller"/> (who authenticated the write) and <see cref="Mac"/> are null on rows written before the chain key.
/// </summary>
public sealed record ChainRow(
    long Id,
    DateTimeOffset Ts,
    string Actor,
    string Provider,
    string Action,
    string Target,
    string? IdempotencyKey,
    string Status,
    string Environment,
    string? TraceId,
    string? Scope,
    string Details,
    byte[] PrevHash,
    byte[] Hash,
    string? Caller = null,
    byte[]? Mac = null)
{
    public AuditRecord ToRecord()
    {
        using var details = JsonDocument.Parse(Details);
        return new AuditRecord(
            Id, Ts, Actor, Provider, Action, Target, IdempotencyKey, Status, Environment, TraceId, Scope,
            details.RootElement.Clone(), Convert.ToHexStringLower(PrevHash), Convert.ToHexStringLower(Hash),
            Caller, Mac is null ? null : Convert.ToHexStringLower(Mac));
    }
}
