using System.Diagnostics.Metrics;

namespace Integrations.Receiver;

/// <summary>
/// <c>integrations.receiver.ack.duration</c>: seconds from request start to the response, per
/// provider and outcome, so an SRE can see whether Slack's 3 s and GitHub's 10 s deadlines hold.
/// </summary>
public sealed class ReceiverMetrics
{
    public const string MeterName = "Integrations.Receiver";

    private readonly Histogram<double> _ackDuration;

    public ReceiverMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _ackDuration = meter.CreateHistogram<double>(
            "integrations.receiver.ack.duration",
            unit: "s",
            description: "Time from receiving a webhook to answering it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3, 10] });
    }

    public void RecordAck(string provider, int status, TimeSpan elapsed) =>
        _ackDuration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("provider", provider),
            new KeyValuePair<string, object?>("http.response.status_code", status));
}
