namespace Integrations.Gate.Client;

/// <summary>
/// Gives a key up. A retryable failure releases it for the next <c>begin</c>; a permanent one is
/// recorded as a completed, unsuccessful outcome (<paramref name="Reason"/>) that later callers see.
/// </summary>
public sealed record FailRequest(string Key, string LeaseToken, bool Retryable, string? Reason = null);
