namespace Integrations.Audit.Client;

/// <summary>
/// The result of recomputing the hash chain. <paramref name="FirstBrokenId"/> and <paramref name="Reason"/>
/// name the first row whose hash or link does not match; <paramref name="LastId"/> and
/// <paramref name="LastHash"/> are the head of the intact chain, worth keeping elsewhere as an anchor.
/// </summary>
public sealed record AuditVerification(bool Ok, long Checked, long? FirstBrokenId, string? Reason, long? LastId, string? LastHash);
