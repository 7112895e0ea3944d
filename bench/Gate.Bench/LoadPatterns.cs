using System.Diagnostics;

namespace Integrations.Gate.Bench;

/// <summary>
/// Two ways to drive load. Closed loop: N workers each send the next request as soon as the last
/// answers (measures capacity). Open loop at a constant rate: a dispatcher releases every request
/// that is due each millisecond without waiting for earlier answers, so a slow answer cannot hold
/// back later sends (no coordinated omission); latency is measured from each request's send.
/// </summary>
internal static class LoadPatterns
{
    public static async Task<LatencySummary> ClosedLoopAsync(
        Func<Task> send, int concurrency, TimeSpan warmUp, TimeSpan duration, int decisionsPerRequest)
    {
        await RunClosedAsync(send, concurrency, warmUp, recorder: null);
        var recorder = new LatencyRecorder(50_000_000 / Math.Max(1, decisionsPerRequest));
        var stopwatch = Stopwatch.StartNew();
        await RunClosedAsync(send, concurrency, duration, recorder);
        return recorder.Summarize(stopwatch.Elapsed, decisionsPerRequest);
    }

    public static async Task<LatencySummary> ConstantRateAsync(Func<Task> send, int rate, TimeSpan warmUp, TimeSpan duration)
    {
        await RunOpenAsync(send, rate, warmUp, recorder: null);
        var recorder = new LatencyRecorder((int)(rate * duration.TotalSeconds) + rate);
        var stopwatch = Stopwatch.StartNew();
        await RunOpenAsync(send, rate, duration, recorder);
        return recorder.Summarize(stopwatch.Elapsed, 1);
    }

    private static async Task RunClosedAsync(Func<Task> send, int concurrency, TimeSpan duration, LatencyRecorder? recorder)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                await TimedAsync(send, recorder);
            }
        });
        await Task.WhenAll(workers);
    }

    private static async Task RunOpenAsync(Func<Task> send, int rate, TimeSpan duration, LatencyRecorder? recorder)
    {
        var start = Stopwatch.GetTimestamp();
        var total = (long)(rate * duration.TotalSeconds);
        var inFlight = new List<Task>((int)total);
        long sent = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        while (sent < total)
        {
            var due = Math.Min(total, (long)((Stopwatch.GetTimestamp() - start) * (double)rate / Stopwatch.Frequency) + 1);
            for (; sent < due; sent++)
            {
                inFlight.Add(TimedAsync(send, recorder));
            }

            await timer.WaitForNextTickAsync();
        }

        await Task.WhenAll(inFlight);
    }

    private static async Task TimedAsync(Func<Task> send, LatencyRecorder? recorder)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await send();
            recorder?.Record(started);
        }
        catch (HttpRequestException ex)
        {
            recorder?.Fail(ex);
        }
    }
}
