namespace Integrations.Gate.Client;

/// <summary>One rate-limit decision.</summary>
/// <param name="Allowed">Whether the call may go ahead now.</param>
/// <param name="Remaining">Calls that could still go ahead right now, after this one.</param>
/// <param name="RetryAfter">When denied: how long to wait before asking again.</param>
/// <param name="Reset">How long until the budget is full again (or a provider-imposed pause ends).</param>
/// <param name="Degraded">True when Redis was unreachable and the gate is configured to fail open.</param>
public sealed record RateLimitDecision(bool Allowed, long Remaining, TimeSpan RetryAfter, TimeSpan Reset, bool Degraded = false);
