using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Which spans every service exports. A trace is kept or dropped whole: the decision is taken once,
/// where the trace starts, and followed by every span and service after it (parent-based, carried in
/// <c>traceparent</c> and in each stored delivery), so a delivery's trace runs whole from the 202 to
/// its audit rows or is not exported at all. Where a service starts a trace, the first
/// <c>Telemetry:TracesPerSecond</c> traces of each second are kept (default 0), and
/// <c>Telemetry:TraceSampleRatio</c> (0 to 1, default 1: every trace; <see cref="TraceSamplingSettings"/>) of the rest: a developer's
/// handful of requests is always traced, and a burst of thousands costs a bounded share. Spans of
/// the other traces are still recorded in-process, and any that ends in error is exported anyway: a
/// failure is always in the dashboard, whatever the settings.
/// </summary>
public static class TraceSampling
{
    /// <summary>Npgsql's activity source, which Aspire's PostgreSQL client integration subscribes to.</summary>
    public const string DatabaseSource = "Npgsql";

    public static TracerProviderBuilder AddTraceSampling(this TracerProviderBuilder tracing, double ratio, double perSecond = 0, TimeProvider? time = null) =>
        (ratio >= 1
            ? tracing.SetSampler(new AlwaysOnSampler())
            : tracing.SetSampler(new ErrorKeepingSampler(new RootSampler(perSecond, ratio, time ?? TimeProvider.System))).AddProcessor(new ExportErrors()))
        .AddProcessor(new DropUntracedDatabaseCommands());

    /// <summary>
    /// Decides for a span that starts a trace: with links, as its linked traces were decided;
    /// otherwise the first <paramref name="perSecond"/> of each second (a token bucket holding at most
    /// one second's worth), then <paramref name="ratio"/> of the rest.
    /// A client or producer span that starts a trace (work the service starts itself, outside any
    /// request or delivery: a poll, a database command, the audit shipper's batch) takes no token, so
    /// background work cannot use up the traces meant for requests and deliveries.
    /// </summary>
    internal sealed class RootSampler(double perSecond, double ratio, TimeProvider time) : Sampler
    {
        private readonly double _perSecond = perSecond;
        private readonly TraceIdRatioBasedSampler _beyond = new(ratio);
        private readonly Lock _lock = new();
        private double _tokens = perSecond;
        private long _refilledAt = time.GetTimestamp();

        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
        {
            if (samplingParameters.Links is { } links && FollowLinks(links) is { } linked)
            {
                return new SamplingResult(linked);
            }

            return samplingParameters.Kind is not (ActivityKind.Client or ActivityKind.Producer) && TryTake()
                ? new SamplingResult(SamplingDecision.RecordAndSample)
                : _beyond.ShouldSample(samplingParameters);
        }

        /// <summary>
        /// A span that starts a trace with links does work for the linked traces (a batch of several
        /// deliveries' calls): it is kept when any of them is kept and dropped otherwise, so a kept
        /// delivery's batches can be followed from it, and nobody else's are exported. Null: no links.
        /// </summary>
        private static SamplingDecision? FollowLinks(IEnumerable<ActivityLink> links)
        {
            SamplingDecision? decision = null;
            foreach (var link in links)
            {
                if (link.Context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded))
                {
                    return SamplingDecision.RecordAndSample;
                }

                decision = SamplingDecision.Drop;
            }

            return decision;
        }

        private bool TryTake()
        {
            if (_perSecond <= 0)
            {
                return false;
            }

            lock (_lock)
            {
                var now = time.GetTimestamp();
                _tokens = Math.Min(_perSecond, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond);
                _refilledAt = now;
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens--;
                return true;
            }
        }
    }

    /// <summary>Parent-based sampling, except that a dropped span is still recorded, so it can be exported if it fails.</summary>
    internal sealed class ErrorKeepingSampler(Sampler root) : Sampler
    {
        private readonly ParentBasedSampler _sampler = new(root);

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
