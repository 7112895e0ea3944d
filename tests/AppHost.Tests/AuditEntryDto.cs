namespace Integrations.AppHost.Tests;

/// <summary>An audit entry as a caller sends it (the wire shape of <c>AuditEntry</c>; JSON names are camel-case).</summary>
public sealed record AuditEntryDto(
    string Actor,
    string Provider,
    string Action,
    string Target,
    string? IdempotencyKey,
    string Status,
    string? Scope = null,
    Dictionary<string, object>? Details = null,
    string? TraceId = null);
