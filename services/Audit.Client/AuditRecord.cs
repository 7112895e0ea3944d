using System.Text.Json;

namespace Integrations.Audit.Client;

/// <summary>An audit row as stored: the entry plus what the audit store adds, including its link in the hash chain.</summary>
/// <param name="Details">The redacted details object exactly as stored and hashed.</param>
/// <param name="PrevHash">The hash of the row before this one (64 hex digits; zeros for the first row).</param>
/// <param name="Hash">SHA-256 over this row's canonical encoding, <paramref name="PrevHash"/> included.</param>
public sealed record AuditRecord(
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
    string? Scope = null,
    JsonElement? Details = null,
    string? PrevHash = null,
    string? Hash = null);
