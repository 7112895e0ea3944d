using Integrations.Bench.Kit;

namespace Integrations.Stack.Bench;

/// <summary>
/// One load run of push deliveries, ids <c>&lt;run&gt;-&lt;n&gt;</c>: per delivery the HTTP status,
/// the latency of the answer from the delivery's due time, and the UTC wall-clock time it arrived.
/// </summary>
internal sealed class LoadResult(string run, OpenLoopRun requests)
{
    private const int Accepted202 = 202;

    public string Run => run;

    public int Rate => requests.Rate;

    public int Sent => requests.Sent;

    /// <summary>From the first due time until the generator released the last delivery.</summary>
    public TimeSpan SendingTime => requests.SendingTime;

    public DateTimeOffset StartedAt => requests.StartedAt;

    public static string DeliveryId(string run, int index) => $"{run}-{index}";

    public string DeliveryId(int index) => DeliveryId(run, index);

    public IEnumerable<int> AcceptedIndexes() => requests.Answered(Accepted202);

    public int Accepted => requests.Count(Accepted202);

    public DateTimeOffset AcceptedAt(int index) => requests.AnsweredAt(index);

    /// <summary>Answers other than 202, by status (-1 = no answer: connection error or timeout).</summary>
    public IReadOnlyDictionary<int, int> OtherAnswers() =>
        Enumerable.Range(0, Sent).Where(i => requests.Status(i) != Accepted202).GroupBy(requests.Status).ToDictionary(g => g.Key, g => g.Count());

    public LatencySummary AnswerLatency() => LatencySummary.Of(AcceptedIndexes().Select(requests.FromDueMilliseconds));
}
