using Integrations.Bench.Kit;

namespace Integrations.Gate.Bench;

/// <summary>
/// The two ways the gate is driven, both from Bench.Kit, each after a warm-up that is not counted.
/// Closed loop: N callers each send the next request as soon as the last answers (capacity). Open
/// loop at a constant rate: requests go out when due without waiting for earlier answers, so a slow
/// answer cannot hold back later sends; latency is reported from each request's send.
/// </summary>
internal static class LoadPatterns
{
    public static async Task<ScenarioResult> ClosedLoopAsync(
        Func<Task> send, int concurrency, TimeSpan warmUp, TimeSpan duration, int decisionsPerRequest)
    {
        async Task<long> Decide()
        {
            await send();
            return decisionsPerRequest;
        }

        await ClosedLoop.RunAsync(concurrency, warmUp, Decide);
        var run = await ClosedLoop.RunAsync(concurrency, duration, Decide);
        return new ScenarioResult(run.UnitsPerSecond, run.Latency, run.Failures);
    }

    public static async Task<ScenarioResult> ConstantRateAsync(Func<Task> send, int rate, TimeSpan warmUp, TimeSpan duration)
    {
        async Task<int> Decide(int index)
        {
            await send();
            return Ok;
        }

        await OpenLoop.RunAsync(rate, warmUp, Decide);
        var run = await OpenLoop.RunAsync(rate, duration, Decide);
        var answered = run.Answered(Ok).ToList();
        return new ScenarioResult(answered.Count / run.Elapsed.TotalSeconds, LatencySummary.Of(answered.Select(run.FromSendMilliseconds)), run.Failures);
    }

    /// <summary>The status a send that did not throw stands for: the gate answered with a success.</summary>
    private const int Ok = 200;
}
