namespace Integrations.Worker.Slack;

/// <summary>
/// Slack refused a call. <see cref="Error"/> is Slack's own error code (e.g. <c>channel_not_found</c>),
/// never a token. <see cref="IsTransient"/> says whether the same call may succeed later;
/// <see cref="RetryAfter"/> is Slack's <c>Retry-After</c> on a 429.
/// </summary>
public sealed class SlackApiException(string error, bool isTransient, TimeSpan? retryAfter = null)
    : Exception($"Slack refused the call: {error}.")
{
    public string Error { get; } = error;

    public bool IsTransient { get; } = isTransient;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
