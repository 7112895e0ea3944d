using System.Globalization;
using Integrations.Gate.Client;

namespace Integrations.Gate.RateLimits;

/// <summary>
/// Turns a provider's response into the pause its budget needs, or none:
/// <list type="number">
/// <item><c>Retry-After</c> as delta seconds or an HTTP date (Slack, Stripe, GitHub secondary limits);</item>
/// <item>else <c>X-RateLimit-Remaining: 0</c> with <c>X-RateLimit-Reset</c> as epoch seconds (GitHub)
/// or, for small values, seconds from now;</item>
/// <item>else a 429, or a response the caller marked as rate limited (GitHub's secondary-limit 403),
/// gets <paramref name="defaultPause"/> (GitHub: wait at least a minute).</item>
/// </list>
/// The result is capped at <paramref name="maxPause"/>.
/// </summary>
public static class ProviderPause
{
    // Values below this are read as seconds from now, above it as a Unix time (2001-09-09 onwards).
    private const long EpochThreshold = 1_000_000_000;

    /// <summary>
    /// Longer than any pause is ever kept (the cap is applied after): a provider's number of seconds
    /// above this is read as this, so no header value can overflow a <see cref="TimeSpan"/> or a date.
    /// </summary>
    private const long LongestReadSeconds = 100L * 365 * 24 * 3600;

    public static TimeSpan? For(ProviderResponseReport report, DateTimeOffset now, TimeSpan defaultPause, TimeSpan maxPause)
    {
        ArgumentNullException.ThrowIfNull(report);

        var pause = FromRetryAfter(report.RetryAfter, now)
            ?? FromExhaustedReset(report.RateLimitRemaining, report.RateLimitReset, now)
            ?? (report.StatusCode == 429 || report.RateLimited ? defaultPause : null);

        if (pause is not { } value || value <= TimeSpan.Zero)
        {
            return null;
        }

        return value > maxPause ? maxPause : value;
    }

    public static TimeSpan? FromRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, LongestReadSeconds));
        }

        if (value.Length > 0 && value.All(char.IsAsciiDigit))
        {
            // Digits beyond a long: as long as anything is read.
            return TimeSpan.FromSeconds(LongestReadSeconds);
        }

        return DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date - now
            : null;
    }

    public static TimeSpan? FromExhaustedReset(string? remaining, string? reset, DateTimeOffset now)
    {
        if (!long.TryParse(remaining?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var left) || left > 0
            || !long.TryParse(reset?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var resetValue))
        {
            return null;
        }

        return resetValue >= EpochThreshold
            ? DateTimeOffset.FromUnixTimeSeconds(Math.Min(resetValue, now.ToUnixTimeSeconds() + LongestReadSeconds)) - now
            : TimeSpan.FromSeconds(resetValue);
    }
}
