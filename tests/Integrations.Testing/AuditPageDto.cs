namespace Integrations.Testing;

/// <summary>
/// The shape of a <c>GET api/audit</c> page with rows of any type: the tests read rows as raw JSON to check
/// the wire itself (fields present, nothing secret), which <see cref="Integrations.Audit.Client.AuditPage"/>,
/// typed to <see cref="Integrations.Audit.Client.AuditRecord"/>, would hide. Typed reads use that contract.
/// </summary>
public sealed record AuditPageDto<T>(List<T> Items, string? Next);
