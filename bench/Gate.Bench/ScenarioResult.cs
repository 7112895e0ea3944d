using Integrations.Bench.Kit;

namespace Integrations.Gate.Bench;

/// <summary>One row of the table: decisions per second, the per-request latency of the answered requests, failed requests.</summary>
internal sealed record ScenarioResult(double DecisionsPerSecond, LatencySummary Latency, long Failures);
