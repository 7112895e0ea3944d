using System.Collections.Concurrent;

namespace Integrations.Sandbox.GitHub;

/// <summary>
/// GitHub's primary rate limit for authenticated REST calls: a fixed hourly window per token, with
/// <c>X-RateLimit-Limit</c>, <c>-Remaining</c>, <c>-Used</c>, <c>-Reset</c> (epoch seconds) and
/// <c>-Resource</c> on every answer. When the window is spent GitHub answers 403 (or 429) with
/// <c>X-RateLimit-Remaining: 0</c>; so does the sandbox.
/// </summary>
public sealed class RateLimitCounter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Calls per hour; GitHub's limit for a personal access token is 5,000.</summary>
    public int Limit { get; set; } = 5000;

    public RateLimitState Take(string token)
    {
        var now = time.GetUtcNow();
        var window = _windows.AddOrUpdate(token,
            _ => new Window(now.AddHours(1), 1),
            (_, w) => w.Reset <= now ? new Window(now.AddHours(1), 1) : w with { Used = w.Used + 1 });
        return new RateLimitState(Limit, Math.Max(0, Limit - window.Used), Math.Min(window.Used, Limit), window.Reset, window.Used <= Limit);
    }

    private sealed record Window(DateTimeOffset Reset, int Used);
}

public sealed record RateLimitState(int Limit, int Remaining, int Used, DateTimeOffset Reset, bool Allowed);
