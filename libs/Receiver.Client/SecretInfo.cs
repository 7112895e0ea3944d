namespace Integrations.Receiver.Client;

/// <summary>A run-time signing secret as the receiver lists it (<c>admin/sources/{source}/secrets</c>): who added and retired it, never its value.</summary>
public sealed record SecretInfo(long Id, string Source, DateTimeOffset AddedAt, string AddedBy, DateTimeOffset? RetiredAt, string? RetiredBy);
