namespace Integrations.Bench.Kit;

/// <summary>One <see cref="ClosedLoop"/> run.</summary>
/// <param name="Units">What the answered requests carried (decisions, rows).</param>
/// <param name="Latency">Of the answered requests, from each send.</param>
public sealed record ClosedLoopRun(long Units, long Failures, TimeSpan Elapsed, LatencySummary Latency)
{
    public double UnitsPerSecond => Units / Elapsed.TotalSeconds;
}
