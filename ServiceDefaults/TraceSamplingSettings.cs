using System.Globalization;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The two trace sampling settings, read with one rule by the AppHost (which links this file, so a
/// bad value stops the stack at start, naming its variable) and by every service (which names its
/// configuration key). See <see cref="TraceSampling"/> for what they do.
/// </summary>
public static class TraceSamplingSettings
{
    public const string RatioKey = "Telemetry:TraceSampleRatio";

    public const string PerSecondKey = "Telemetry:TracesPerSecond";

    /// <summary>The share of traces kept beyond the first of each second: null when unset or empty.</summary>
    /// <exception cref="InvalidOperationException">It is not a number from 0 to 1; the message names <paramref name="name"/>.</exception>
    public static double? Ratio(string? value, string name) =>
        Parse(value, 1, name, "a number from 0 to 1 (1: every trace)");

    /// <summary>The traces kept every second where a trace starts: null when unset or empty.</summary>
    /// <exception cref="InvalidOperationException">It is not a number from 0 to 100,000; the message names <paramref name="name"/>.</exception>
    public static double? PerSecond(string? value, string name) =>
        Parse(value, 100_000, name, "a number from 0 to 100000");

    // No sign is allowed, so nothing parsed is below 0; NaN and infinity are above no maximum.
    private static double? Parse(string? value, double maximum, string name, string range) =>
        string.IsNullOrEmpty(value) ? null
        : double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && number <= maximum ? number
        : throw new InvalidOperationException($"{name} must be {range}.");
}
