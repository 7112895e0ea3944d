using System.Text.Json;

namespace Integrations.Audit.Client;

/// <summary>An audit row as stored: the entry plus what the audit store adds, including its link in the hash chain.</summary>
/// <param name="Details">The redacted details object exactly as stored and hashed.</param>
/// <param name="PrevHash">The hash of the row before this one (64 hex digits; zeros for the first row).</param>
/// <param name="Hash">SHA-256 over this row's canonical encoding, <paramref name="PrevHash"/> included.</param>
/// <param name="Caller">
/// Who really wrote the row: the owner of the API key the write was authenticated with (<c>worker</c>, <c>receiver</c>,
/// <c>broker</c>, <c>operator</c> for the shared audit key, <c>audit</c> for the store's own rows). Unlike
/// <paramref name="Actor"/>, the caller cannot choose it. Null on rows written before callers were recorded.
/// </param>
/// <param name="Mac">HMAC-SHA256 under the chain key (kept outside the database) of <paramref name="Hash"/> and <paramref name="Caller"/>; null on rows written before the key.</param>
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
    string? Hash = null,
    string? Caller = null,
    string? Mac = null);
