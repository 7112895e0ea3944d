// Group commit for audit writes. Request handlers put their rows on a bounded channel and wait; one
// loop per process takes everything queued (up to MaxBatchRows) and appends it in one transaction
// (see AuditAppender). While a batch commits, new requests queue up and form the next batch, so many
// concurrent single-row writes cost one round of locking and one COPY. A request is answered only
// after its batch committed; if the batch fails, every request in it gets the failure (the API turns
// a database outage into 503) and nothing in it was committed. On shutdown, requests still queued
// are failed the same way, never silently dropped.
using System.Diagnostics;
using System.Threading.Channels;
using Integrations.Audit.Chain;
using Microsoft.Extensions.Options;

namespace Integrations.Audit.Writing;

public sealed class AuditWriter(AuditAppender appender, IOptions<AuditOptions> options, ILogger<AuditWriter> logger) : BackgroundService
{
    public static readonly ActivitySource ActivitySource = new(Extensions.TelemetryPrefix + "Audit");

    private readonly Channel<PendingAppend> _queue = Channel.CreateBounded<PendingAppend>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues <paramref name="rows"/> and returns them as committed, in order, with ids and hashes.</summary>
    public async Task<IReadOnlyList<ChainRow>> AppendAsync(IReadOnlyList<NewAuditRow> rows, CancellationToken cancellationToken)
    {
        var pending = new PendingAppend(rows, new TaskCompletionSource<IReadOnlyList<ChainRow>>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        // Once queued, the outcome is whatever the store did; the caller learns it even if it stops listening.
        return await pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingAppend>();
        var rows = new List<NewAuditRow>();
        var maxRows = options.Value.MaxBatchRows;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                rows.Clear();
                while (rows.Count < maxRows && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    rows.AddRange(pending.Rows);
                }

                await AppendBatchAsync(batch, rows);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            var stopping = new AuditWriterStoppedException();
            while (_queue.Reader.TryRead(out var pending))
            {
                pending.Done.TrySetException(stopping);
            }
        }
    }

    private async Task AppendBatchAsync(List<PendingAppend> batch, List<NewAuditRow> rows)
    {
        using var activity = ActivitySource.StartActivity("Append audit batch");
        activity?.SetTag("audit.rows", rows.Count);
        activity?.SetTag("audit.requests", batch.Count);
        try
        {
            // Not cancelled on shutdown: a commit cut short would leave callers unsure whether it happened.
            var written = await appender.AppendAsync(rows, CancellationToken.None);
            var offset = 0;
            foreach (var pending in batch)
            {
                pending.Done.TrySetResult(new ArraySegment<ChainRow>(written, offset, pending.Rows.Count));
                offset += pending.Rows.Count;
            }
        }
        catch (Exception ex)
        {
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error);
            AuditLog.BatchFailed(logger, rows.Count, batch.Count, ex);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }
}
