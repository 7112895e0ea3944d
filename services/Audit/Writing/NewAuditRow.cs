namespace Integrations.Audit.Writing;

/// <summary>A validated, redacted entry waiting for its id, timestamp and place in the chain; <paramref name="Caller"/> is the owner of the key that wrote it.</summary>
public sealed record NewAuditRow(
    string Actor,
    string Provider,
    string Action,
    string Target,
    string? IdempotencyKey,
    string Status,
    string? TraceId,
    string? Scope,
    string Details,
    string Caller,
    Guid? EntryId = null);
