namespace Integrations.Worker.Queue;

/// <summary>
/// Exponential backoff with full jitter: attempt n waits a uniformly random time in
/// [0, min(max, base * 2^(n-1))]. Jitter spreads retries from many deliveries so a recovering
/// provider is not hit by all of them at once.
/// </summary>
public static class RetrySchedule
{
    public static TimeSpan DelayFor(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentNullException.ThrowIfNull(random);

        var exponent = Math.Min(attempt - 1, 30);
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
    }
}
