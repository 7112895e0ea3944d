using Integrations.Worker.GitHub;
using Integrations.Worker.Queue;

namespace Integrations.Worker.Connectors;

/// <summary>How a GitHub refusal reaches the queue: rate limits pause, transient errors retry, the rest dead-letter.</summary>
internal static class GitHubFailures
{
    public static Exception Translate(GitHubApiException ex, string action) =>
        ex.IsRateLimited
            ? new ProviderRateLimitedException("github", ex.RetryAfter ?? TimeSpan.FromSeconds(60), ex)
            : ex.IsTransient
                ? ex
                : new PermanentFlowException($"GitHub refused {action} ({ex.StatusCode}).", ex);
}
