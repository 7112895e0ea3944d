namespace Integrations.Audit.Client;

/// <summary>An audit row as stored: the entry plus what the audit store adds.</summary>
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
    string? TraceId);
