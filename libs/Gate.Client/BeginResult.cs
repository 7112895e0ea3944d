namespace Integrations.Gate.Client;

/// <summary>The answer to <c>begin</c>; <see cref="Status"/> is one of <see cref="IdempotencyStatus"/>.</summary>
/// <param name="LeaseToken">For <c>new</c>: the token that <c>complete</c> and <c>fail</c> must carry.</param>
/// <param name="LeaseExpiresAt">For <c>new</c> and <c>in_progress</c>: when the current lease runs out.</param>
/// <param name="Outcome">For <c>completed</c>: the outcome stored by the owner that completed the key.</param>
/// <param name="Succeeded">For <c>completed</c>: false when the owner recorded a permanent failure.</param>
/// <param name="Reclaimed">For <c>new</c>: an earlier owner took the key and never completed it (its lease ran
/// out, or it failed retryably), so the effect may already have happened; check the provider before repeating it.</param>
/// <param name="FirstClaimedAt">For a reclaimed <c>new</c>: when the key was first claimed (gate time), so no earlier
/// attempt began before it and the provider need only be searched from then on. Null for keys claimed before the
/// gate recorded it.</param>
/// <param name="Budget">For <c>new</c>, when the request asked for a budget: the rate-limit decision taken after the grant.</param>
public sealed record BeginResult(
    string Status,
    string? LeaseToken = null,
    DateTimeOffset? LeaseExpiresAt = null,
    string? Outcome = null,
    bool? Succeeded = null,
    bool Reclaimed = false,
    DateTimeOffset? FirstClaimedAt = null,
    RateLimitDecision? Budget = null);
