namespace Integrations.Worker.Google;

/// <summary>Google refused a call; <see cref="IsTransient"/> for 408, 429 and 5xx. Never carries the token.</summary>
public sealed class GoogleApiException(int statusCode, string status, TimeSpan? retryAfter)
    : Exception($"Google answered {statusCode} {status}.")
{
    public int StatusCode { get; } = statusCode;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool IsTransient { get; } = statusCode >= 500 || statusCode is 408 or 429;
}
