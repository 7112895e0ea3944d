namespace Integrations.Audit.Client;

/// <summary>One page of audit rows; <paramref name="Next"/> is the cursor for the following page, or null at the end.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Items, string? Next);
