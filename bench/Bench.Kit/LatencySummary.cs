using System.Globalization;

namespace Integrations.Bench.Kit;

/// <summary>
/// Percentiles of a set of latencies in milliseconds, nearest rank by sorting: the p-th percentile
/// of n sorted values is the one at rank ⌈p·n⌉. Every benchmark reports its latencies through this.
/// </summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double P999, double Max)
{
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        var sorted = milliseconds.ToArray();
        Array.Sort(sorted);
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new LatencySummary(sorted.Length, Percentile(0.50), Percentile(0.90), Percentile(0.99), Percentile(0.999), Percentile(1.0));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {P50:F1} ms  p90 {P90:F1} ms  p99 {P99:F1} ms  max {Max:F1} ms  (n = {Count:N0})");
}
