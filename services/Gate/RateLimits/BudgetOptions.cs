namespace Integrations.Gate.RateLimits;

/// <summary>
/// A GCRA budget: <see cref="Limit"/> calls per <see cref="Period"/> on average, with up to
/// <see cref="Burst"/> calls at once after a quiet spell.
/// </summary>
public sealed class BudgetOptions
{
    /// <summary>Calls allowed per <see cref="Period"/>.</summary>
    public int Limit { get; set; }

    /// <summary>The window <see cref="Limit"/> is counted over. Default 1 second.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most calls allowed back to back. Default 1.</summary>
    public int Burst { get; set; } = 1;

    /// <summary>Milliseconds between calls at the sustained rate (GCRA's emission interval).</summary>
    public double EmissionIntervalMilliseconds => Period.TotalMilliseconds / Limit;

    public IEnumerable<string> Validate(string path)
    {
        if (Limit < 1)
        {
            yield return $"{path}:Limit must be at least 1.";
        }

        if (Period <= TimeSpan.Zero || Period > TimeSpan.FromDays(1))
        {
            yield return $"{path}:Period must be between 1 ms and 1 day.";
        }

        if (Burst < 1)
        {
            yield return $"{path}:Burst must be at least 1.";
        }
    }
}
