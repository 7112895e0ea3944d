using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Which spans every service exports. <c>Telemetry:TraceSampleRatio</c> (0 to 1, default 1: every
/// trace) keeps that share of traces, decided once where a trace starts and followed by every span and
/// service after it (parent-based, carried in <c>traceparent</c> and in each stored delivery), so a
/// delivery's trace is kept or dropped whole from the 202 to its audit rows. Spans of the other traces
/// are still recorded in-process, and any that ends in error is exported anyway: a failure is always
/// in the dashboard, whatever the ratio.
/// </summary>
public static class TraceSampling
{
    public const string RatioKey = "Telemetry:TraceSampleRatio";

    /// <summary>Npgsql's activity source, which Aspire's PostgreSQL client integration subscribes to.</summary>
    public const string DatabaseSource = "Npgsql";

    /// <summary>The configured ratio, or null when it is not a number from 0 to 1.</summary>
    public static double? ParseRatio(string? value) =>
        value is null ? 1.0
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1 ? ratio
        : null;

    public static TracerProviderBuilder AddTraceSampling(this TracerProviderBuilder tracing, double ratio) =>
        (ratio >= 1
            ? tracing.SetSampler(new AlwaysOnSampler())
            : tracing.SetSampler(new ErrorKeepingSampler(ratio)).AddProcessor(new ExportErrors()))
        .AddProcessor(new DropUntracedDatabaseCommands());

    /// <summary>Parent-based ratio sampling, except that a dropped span is still recorded, so it can be exported if it fails.</summary>
    internal sealed class ErrorKeepingSampler(double ratio) : Sampler
    {
        private readonly ParentBasedSampler _sampler = new(new TraceIdRatioBasedSampler(ratio));

        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
        {
            var result = _sampler.ShouldSample(samplingParameters);
            return result.Decision == SamplingDecision.Drop ? new SamplingResult(SamplingDecision.RecordOnly) : result;
        }
    }

    /// <summary>Marks a recorded, unsampled span that ended in error as sampled, before the exporter's processor sees it.</summary>
    internal sealed class ExportErrors : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (!data.Recorded && data.Status == ActivityStatusCode.Error)
            {
                data.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
            }
        }
    }

    /// <summary>
    /// A database command run outside any trace (a worker's poll for work, a timer's query) is not
    /// exported as a trace of its own unless it fails: an idle worker's two polls a second would
    /// otherwise be two new traces a second in the dashboard, burying the deliveries' traces an SRE
    /// looks for. Commands inside a trace (a delivery's, a request's) are spans of it as before.
    /// </summary>
    internal sealed class DropUntracedDatabaseCommands : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.ParentSpanId == default && data.Source.Name == DatabaseSource && data.Status != ActivityStatusCode.Error)
            {
                data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            }
        }
    }
}
