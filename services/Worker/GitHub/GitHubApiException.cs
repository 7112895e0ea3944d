namespace Integrations.Worker.GitHub;

/// <summary>
/// GitHub refused a call. <see cref="IsRateLimited"/> covers 429 and the 403s GitHub uses for its
/// primary (<c>X-RateLimit-Remaining: 0</c>) and secondary limits; <see cref="IsTransient"/> also
/// covers 408, 409, 425 and 5xx. Never carries the token.
/// </summary>
public sealed class GitHubApiException(int statusCode, string message, bool isRateLimited, TimeSpan? retryAfter)
    : Exception($"GitHub answered {statusCode}: {message}")
{
    public int StatusCode { get; } = statusCode;

    public bool IsRateLimited { get; } = isRateLimited;

    public bool IsTransient { get; } = isRateLimited || statusCode >= 500 || statusCode is 408 or 409 or 425;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
