namespace Integrations.Gate.Client;

/// <summary>
/// What a provider answered, reported so every worker and replica honours it. Header values are
/// passed as received: <c>Retry-After</c> (seconds or an HTTP date), <c>X-RateLimit-Remaining</c>
/// and <c>X-RateLimit-Reset</c> (epoch seconds, as GitHub sends it, or seconds from now).
/// <paramref name="RateLimited"/> marks a response the caller recognised as a rate limit that a
/// status code alone does not show, e.g. GitHub's 403 "You have exceeded a secondary rate limit".
/// </summary>
public sealed record ProviderResponseReport(
    string Provider,
    string Connection,
    int StatusCode,
    string? RetryAfter = null,
    string? RateLimitRemaining = null,
    string? RateLimitReset = null,
    bool RateLimited = false);
