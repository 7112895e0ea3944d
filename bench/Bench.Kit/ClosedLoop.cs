using System.Diagnostics;

namespace Integrations.Bench.Kit;

/// <summary>
/// Capacity (closed model): N callers each send the next request as soon as the last one answers,
/// until the duration has passed. A request that fails with <see cref="HttpRequestException"/> is
/// counted as failed (the first one is reported on standard error); any other exception ends the run.
/// </summary>
public static class ClosedLoop
{
    /// <param name="send">Sends one request and returns how many units (decisions, rows) it carried.</param>
    public static async Task<ClosedLoopRun> RunAsync(int concurrency, TimeSpan duration, Func<Task<long>> send)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(concurrency);
        ArgumentNullException.ThrowIfNull(send);
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long failures = 0;
        var callers = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var latencies = new List<double>();
            long units = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    units += await send();
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
                catch (HttpRequestException ex)
                {
                    if (Interlocked.Increment(ref failures) == 1)
                    {
                        Console.Error.WriteLine($"First failure: {ex.Message}");
                    }
                }
            }

            return (Units: units, Latencies: latencies);
        }));
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new ClosedLoopRun(callers.Sum(c => c.Units), failures, elapsed, LatencySummary.Of(callers.SelectMany(c => c.Latencies)));
    }
}
