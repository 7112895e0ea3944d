using System.Globalization;

namespace Integrations.Resilience.Tests;

/// <summary>
/// How much each proof does. CI runs the short version; <c>RESILIENCE_SCALE=full</c> runs the
/// version that docs/reliability.md quotes. <c>RESILIENCE_BAD_INPUTS=n</c> overrides the count.
/// </summary>
public static class ResilienceScale
{
    public static bool IsFull { get; } =
        string.Equals(Environment.GetEnvironmentVariable("RESILIENCE_SCALE"), "full", StringComparison.OrdinalIgnoreCase);

    public static string Name => IsFull ? "full" : "short";

    /// <summary>Generated bad webhook requests: 1,000 in the short version, 10,000 in the full one.</summary>
    public static int BadInputs { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("RESILIENCE_BAD_INPUTS"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : IsFull ? 10_000 : 1_000;
}
