namespace Integrations.Gate.Idempotency;

/// <summary>What the begin script decided, with the key's stored state where it matters.</summary>
public sealed record BeginOutcome(string Status, string? LeaseToken, DateTimeOffset? LeaseExpiresAt, string? Outcome, bool? Succeeded);
