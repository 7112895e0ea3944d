using System.Diagnostics;

namespace Integrations.Bench.Kit;

/// <summary>
/// One <see cref="OpenLoop"/> run, per request: the HTTP status (0 = not sent, -1 = no answer), when
/// it was due, sent and answered. A Stopwatch anchored to UTC at the start turns the answers'
/// timestamps into wall-clock times, to be compared with times the services record.
/// </summary>
public sealed class OpenLoopRun
{
    private readonly int[] _statuses;
    private readonly long[] _sentTimestamps;
    private readonly long[] _answeredTimestamps;
    private long _failures;

    internal OpenLoopRun(int rate, int requested)
    {
        Rate = rate;
        Requested = requested;
        _statuses = new int[requested];
        _sentTimestamps = new long[requested];
        _answeredTimestamps = new long[requested];
    }

    /// <summary>Requests per second.</summary>
    public int Rate { get; }

    /// <summary>Requests the run was to send: rate × duration.</summary>
    public int Requested { get; }

    /// <summary>Requests sent: <see cref="Requested"/> unless the run was cancelled.</summary>
    public int Sent { get; private set; }

    /// <summary>Wall-clock time of the first due time.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>From the first due time until the pacer released the last request.</summary>
    public TimeSpan SendingTime { get; private set; }

    /// <summary>From the first due time until the last answer.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Requests that raised an exception instead of answering.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    private long StartTimestamp { get; set; }

    public int Status(int index) => _statuses[index];

    /// <summary>The indexes of the sent requests answered with <paramref name="status"/>.</summary>
    public IEnumerable<int> Answered(int status) => Enumerable.Range(0, Sent).Where(i => _statuses[i] == status);

    /// <summary>How many requests were answered with <paramref name="status"/>.</summary>
    public int Count(int status) => _statuses.AsSpan(0, Sent).Count(status);

    /// <summary>When request <paramref name="index"/> was due, from the start: index / rate.</summary>
    public TimeSpan DueAt(int index) => TimeSpan.FromSeconds((double)index / Rate);

    /// <summary>Latency from the due time, coordinated omission included.</summary>
    public double FromDueMilliseconds(int index) => Stopwatch.GetElapsedTime(DueTimestamp(index), _answeredTimestamps[index]).TotalMilliseconds;

    /// <summary>Latency from the send: the generator's own lateness left out.</summary>
    public double FromSendMilliseconds(int index) => Stopwatch.GetElapsedTime(_sentTimestamps[index], _answeredTimestamps[index]).TotalMilliseconds;

    /// <summary>The wall-clock time the answer to request <paramref name="index"/> arrived.</summary>
    public DateTimeOffset AnsweredAt(int index) => StartedAt + Stopwatch.GetElapsedTime(StartTimestamp, _answeredTimestamps[index]);

    internal long DueTimestamp(int index) => StartTimestamp + (long)((double)index / Rate * Stopwatch.Frequency);

    internal void Start()
    {
        StartedAt = DateTimeOffset.UtcNow;
        StartTimestamp = Stopwatch.GetTimestamp();
    }

    internal void FinishSending(int sent)
    {
        Sent = sent;
        SendingTime = Stopwatch.GetElapsedTime(StartTimestamp);
    }

    internal void Finish() => Elapsed = Stopwatch.GetElapsedTime(StartTimestamp);

    internal void Record(int index, int status, long sentTimestamp, long answeredTimestamp)
    {
        _statuses[index] = status;
        _sentTimestamps[index] = sentTimestamp;
        _answeredTimestamps[index] = answeredTimestamp;
    }

    internal void Fail(Exception exception)
    {
        if (Interlocked.Increment(ref _failures) == 1)
        {
            Console.Error.WriteLine($"First failed request: {exception.GetType().Name}: {exception.Message}");
        }
    }
}
