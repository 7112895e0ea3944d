namespace Integrations.Gate.Bench;

internal sealed record LatencySummary(
    long Requests, double DecisionsPerSecond, double P50Milliseconds, double P99Milliseconds, double MaxMilliseconds, long Failures);
