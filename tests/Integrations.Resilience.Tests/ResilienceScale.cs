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

    /// <summary>Signed deliveries a minute under faults: 1,000 (<c>RESILIENCE_CHAOS_RATE</c> overrides).</summary>
    public static int ChaosRate { get; } = Number("RESILIENCE_CHAOS_RATE") ?? 1_000;

    /// <summary>How long the load runs under faults: 2 minutes short, 10 full (<c>RESILIENCE_CHAOS_MINUTES</c> overrides).</summary>
    public static TimeSpan ChaosDuration { get; } = TimeSpan.FromMinutes(Number("RESILIENCE_CHAOS_MINUTES") ?? (IsFull ? 10 : 2));

    /// <summary>The pause between two faults (each also takes its recovery time): 5 s short, 15 s full.</summary>
    public static TimeSpan FaultInterval { get; } = TimeSpan.FromSeconds(IsFull ? 15 : 5);

    private static int? Number(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
