using System.Diagnostics;

namespace Integrations.Stack.Bench;

/// <summary>
/// Per delivery of one load run: the HTTP status (0 = not sent, -1 = no answer), the latency of
/// the answer from the delivery's due time, and the UTC wall-clock time the answer arrived.
/// </summary>
internal sealed class LoadResult(string run, int rate, int capacity)
{
    private readonly int[] _statuses = new int[capacity];
    private readonly double[] _answerMilliseconds = new double[capacity];
    private readonly long[] _answeredTimestamps = new long[capacity];
    private DateTimeOffset _startedAt;
    private long _failures;

    public string Run => run;

    public int Rate => rate;

    public long StartTimestamp { get; private set; }

    public int Sent { get; private set; }

    /// <summary>From the first due time until the generator released the last delivery.</summary>
    public TimeSpan SendingTime { get; private set; }

    public DateTimeOffset StartedAt => _startedAt;

    public string DeliveryId(int index) => $"{run}-{index}";

    public void Start()
    {
        // One anchor turns monotonic Stopwatch timestamps into UTC wall-clock times.
        _startedAt = DateTimeOffset.UtcNow;
        StartTimestamp = Stopwatch.GetTimestamp();
    }

    public void Finish(int sent)
    {
        Sent = sent;
        SendingTime = Stopwatch.GetElapsedTime(StartTimestamp);
    }

    public void Answered(int index, int status, long answeredTimestamp, long dueTimestamp)
    {
        _statuses[index] = status;
        _answeredTimestamps[index] = answeredTimestamp;
        _answerMilliseconds[index] = Stopwatch.GetElapsedTime(dueTimestamp, answeredTimestamp).TotalMilliseconds;
    }

    public void Failed(int index, Exception exception, long answeredTimestamp, long dueTimestamp)
    {
        if (Interlocked.Increment(ref _failures) == 1)
        {
            Console.Error.WriteLine($"First failed delivery: {exception.Message}");
        }

        Answered(index, -1, answeredTimestamp, dueTimestamp);
    }

    public IEnumerable<int> AcceptedIndexes() => Enumerable.Range(0, Sent).Where(i => _statuses[i] == 202);

    public int Accepted => AcceptedIndexes().Count();

    public DateTimeOffset AcceptedAt(int index) => _startedAt + Stopwatch.GetElapsedTime(StartTimestamp, _answeredTimestamps[index]);

    /// <summary>Answers other than 202, by status (-1 = no answer: connection error or timeout).</summary>
    public IReadOnlyDictionary<int, int> OtherAnswers() =>
        Enumerable.Range(0, Sent).Where(i => _statuses[i] != 202).GroupBy(i => _statuses[i]).ToDictionary(g => g.Key, g => g.Count());

    public LatencySummary AnswerLatency() => LatencySummary.Of(AcceptedIndexes().Select(i => _answerMilliseconds[i]));
}
