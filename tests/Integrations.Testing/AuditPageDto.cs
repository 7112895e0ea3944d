namespace Integrations.Testing;

/// <summary>The shape of a <c>GET api/audit</c> page.</summary>
public sealed record AuditPageDto<T>(List<T> Items, string? Next);
