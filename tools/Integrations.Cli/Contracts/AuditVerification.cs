namespace Integrations.Cli.Contracts;

/// <summary>The audit store's chain check: whether every row is intact, how many were checked, and the first broken one.</summary>
public sealed record AuditVerification(bool Ok, long Checked, long? FirstBrokenId, string? Reason);
