using System.Globalization;
using Integrations.Bench.Kit;

namespace Integrations.Stack.Bench;

/// <summary>
/// Joins one load run's 202s with the audit rows of the same deliveries and prints the figures:
/// end-to-end latency (audit <c>ts</c> minus the wall-clock time the 202 arrived), the 202's own
/// latency, the processing throughput and whether the stack kept up with the arrival rate.
/// </summary>
internal static class EndToEndReport
{
    /// <summary>Prints the report; returns whether every acknowledged delivery has its audit row.</summary>
    public static bool Print(LoadResult load, Dictionary<string, DateTimeOffset> rows, int duplicated)
    {
        var accepted = load.AcceptedIndexes().ToList();
        var found = accepted.Where(i => rows.ContainsKey(load.DeliveryId(i))).ToList();
        var arrivalRate = load.Sent / load.SendingTime.TotalSeconds;
        var loadEnd = load.StartedAt + load.SendingTime;

        Line("deliveries sent", $"{load.Sent:N0} in {load.SendingTime.TotalSeconds:F1} s (arrival rate {arrivalRate:F1}/s, target {load.Rate:N0}/s)");
        Line("202 answers", $"{accepted.Count:N0}");
        var others = load.OtherAnswers();
        Line("non-202 answers", others.Count == 0
            ? "0"
            : $"{others.Values.Sum():N0} ({string.Join(", ", others.OrderBy(o => o.Key).Select(o => $"{(o.Key < 0 ? "no answer" : o.Key.ToString(CultureInfo.InvariantCulture))}: {o.Value:N0}"))})");
        Line("202 latency", $"{load.AnswerLatency()}  (from each delivery's due time)");
        Line("audit rows found", $"{found.Count:N0} of {accepted.Count:N0} acknowledged deliveries (deliveries with more than one succeeded row: {duplicated:N0})");
        if (found.Count == 0)
        {
            Console.WriteLine("  No audit row arrived: no end-to-end figure.");
            return accepted.Count == 0;
        }

        Line("e2e latency", LatencySummary.Of(found.Select(i => (rows[load.DeliveryId(i)] - load.AcceptedAt(i)).TotalMilliseconds)).ToString());
        var lastRow = found.Max(i => rows[load.DeliveryId(i)]);
        var lastAccepted = accepted.Max(load.AcceptedAt);
        var throughput = found.Count / (lastRow - load.StartedAt).TotalSeconds;
        var duringLoad = found.Count(i => rows[load.DeliveryId(i)] <= loadEnd);
        Line("processing throughput", $"{throughput:F1} audit rows/s (first send to last row); {duringLoad / load.SendingTime.TotalSeconds:F1}/s while the load ran");
        Line("last row after last 202", $"{(lastRow - lastAccepted).TotalSeconds:F2} s");

        var keptUp = found.Count == accepted.Count && accepted.Count == load.Sent && throughput >= 0.95 * arrivalRate;
        Line("verdict", keptUp
            ? $"the stack kept up with {load.Rate:N0} deliveries/s"
            : $"the stack did NOT keep up with {load.Rate:N0} deliveries/s: it processed {throughput:F1}/s"
                + (found.Count < accepted.Count ? $" and {accepted.Count - found.Count:N0} acknowledged deliveries had no audit row within the drain timeout" : "")
                + (accepted.Count < load.Sent ? $"; {load.Sent - accepted.Count:N0} deliveries were not acknowledged" : ""));
        return found.Count == accepted.Count;
    }

    /// <summary>The first seconds of load still pay for JIT, tiered compilation and growing pools; the steady-state line leaves them out.</summary>
    private static readonly TimeSpan SteadyAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where the time goes: 202 → the <c>started</c> row (queue wait, claim, gate <c>begin</c>, the
    /// rate-limit decision, the audit write) and <c>started</c> → <c>succeeded</c> (the Slack call,
    /// gate <c>complete</c>, the audit write).
    /// </summary>
    public static void PrintStages(LoadResult load, Dictionary<string, DateTimeOffset> started, Dictionary<string, DateTimeOffset> succeeded)
    {
        var both = load.AcceptedIndexes().Where(i => started.ContainsKey(load.DeliveryId(i)) && succeeded.ContainsKey(load.DeliveryId(i))).ToList();
        if (both.Count == 0)
        {
            return;
        }

        Line("202 -> started row", LatencySummary.Of(both.Select(i => (started[load.DeliveryId(i)] - load.AcceptedAt(i)).TotalMilliseconds)).ToString());
        Line("started -> succeeded", LatencySummary.Of(both.Select(i => (succeeded[load.DeliveryId(i)] - started[load.DeliveryId(i)]).TotalMilliseconds)).ToString());
        var steady = both.Where(i => load.AcceptedAt(i) - load.StartedAt >= SteadyAfter).ToList();
        if (steady.Count > 0)
        {
            Line($"e2e after the first {SteadyAfter.TotalSeconds:F0} s", LatencySummary.Of(steady.Select(i => (succeeded[load.DeliveryId(i)] - load.AcceptedAt(i)).TotalMilliseconds)).ToString());
        }

        foreach (var window in both.GroupBy(i => (int)((load.AcceptedAt(i) - load.StartedAt).TotalSeconds / 10)).OrderBy(w => w.Key))
        {
            Line($"e2e, 202 at {window.Key * 10}-{window.Key * 10 + 10} s", LatencySummary.Of(window.Select(i => (succeeded[load.DeliveryId(i)] - load.AcceptedAt(i)).TotalMilliseconds)).ToString());
        }
    }

    private static void Line(string label, string value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-25}{value}"));
}
