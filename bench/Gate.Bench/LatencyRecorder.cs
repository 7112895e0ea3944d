using System.Diagnostics;

namespace Integrations.Gate.Bench;

/// <summary>Collects per-request latencies (Stopwatch ticks) from many tasks; percentiles by sorting.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;
    private long _failures;

    public long Failures => Interlocked.Read(ref _failures);

    public void Record(long startTimestamp)
    {
        var elapsed = Stopwatch.GetTimestamp() - startTimestamp;
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _ticks.Length)
        {
            _ticks[index] = elapsed;
        }
    }

    public void Fail(Exception exception)
    {
        if (Interlocked.Increment(ref _failures) == 1)
        {
            Console.Error.WriteLine($"First failure: {exception.Message}");
        }
    }

    public LatencySummary Summarize(TimeSpan elapsed, int decisionsPerRequest)
    {
        var count = Math.Min(_count, _ticks.Length);
        var sorted = _ticks[..count];
        Array.Sort(sorted);
        double Percentile(double p) => count == 0 ? double.NaN : sorted[Math.Min(count - 1, (int)Math.Ceiling(p * count) - 1)] * 1000.0 / Stopwatch.Frequency;
        return new LatencySummary(
            Requests: count,
            DecisionsPerSecond: count * (double)decisionsPerRequest / elapsed.TotalSeconds,
            P50Milliseconds: Percentile(0.50),
            P99Milliseconds: Percentile(0.99),
            MaxMilliseconds: Percentile(1.0),
            Failures: Failures);
    }
}
