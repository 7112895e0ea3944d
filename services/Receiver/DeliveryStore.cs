using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using Integrations.DeliveryStorage;

namespace Integrations.Receiver;

/// <summary>
/// Stores verified deliveries in <c>deliveries</c>, which is also the worker's queue.
/// <para>
/// Durability: <see cref="StoreAsync"/> completes only after the row is committed, and the
/// receiver answers 202 only then, so an acknowledged delivery survives a crash of any process.
/// Dedup: the unique (provider, delivery_id) constraint; a second insert of the same delivery does
/// nothing and is reported as a duplicate, across restarts and replicas alike. Trace context: the
/// caller's W3C <c>traceparent</c> is stored with the row so the worker continues the same trace.
/// </para>
/// <para>
/// Group commit: requests are queued to one writer loop, which takes whatever has queued up (at
/// most <see cref="MaxBatch"/>) and inserts it with one multi-row statement and one commit, then
/// asks <see cref="DeliveryAnnouncer"/> to wake the workers (outside the insert). While one insert
/// is in flight the next requests queue and share the following commit, so an idle receiver writes
/// a single row at once and a busy one writes many per fsync. One writer rather than three: fewer
/// transactions and less CPU per delivery, with p99 no worse (docs/decisions/one-delivery-writer.md).
/// If the batch fails, every caller in it gets the exception and
/// answers 503, so the provider retries: nothing is acknowledged that was not stored. The exception is
/// a value PostgreSQL refuses (SQLSTATE class 22, e.g. a NUL in <c>text</c> or <c>jsonb</c>, which the
/// receiver already refuses up front): then each row of the batch is written alone, the others are
/// stored, and the bad one's caller gets <see cref="DeliveryRefusedException"/> and answers 400.
/// </para>
/// </summary>
public sealed class DeliveryStore(NpgsqlDataSource dataSource, DeliveryAnnouncer announcer, ILogger<DeliveryStore> logger) : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(MaxBatch * 16)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    public async Task<StoreResult> StoreAsync(InboundDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);

        var activity = Activity.Current;
        var pending = new Pending(delivery, activity?.Id, activity?.TraceStateString);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new StorageUnavailableException(ex);
        }

        // The insert is not cancelled with the request: once queued it either commits or fails as a whole.
        return await pending.Result.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                await WriteBatchAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            RefuseQueued(batch);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        RefuseQueued([]);
    }

    /// <summary>
    /// Deliveries still queued when the writer stops were never stored or acknowledged: their
    /// callers answer 503, and so does any request that arrives later.
    /// </summary>
    private void RefuseQueued(List<Pending> taken)
    {
        _queue.Writer.TryComplete();
        var shuttingDown = new StorageUnavailableException(new OperationCanceledException("The receiver is shutting down."));
        foreach (var pending in taken)
        {
            pending.Result.TrySetException(shuttingDown);
        }

        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Result.TrySetException(shuttingDown);
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            var inserted = await InsertAsync(batch);
            if (inserted.Count > 0)
            {
                announcer.Announce();
            }

            var firstSeen = new HashSet<(string, string)>();
            foreach (var pending in batch)
            {
                var key = (pending.Delivery.Provider, pending.Delivery.DeliveryId);
                // Within one batch the first occurrence owns the new row; later ones are duplicates.
                var isNew = inserted.TryGetValue(key, out var id) && firstSeen.Add(key);
                pending.Result.TrySetResult(isNew ? new StoreResult(id, Duplicate: false) : new StoreResult(null, Duplicate: true));
            }
        }
        catch (PostgresException ex) when (IsRefusedValue(ex) && batch.Count > 1)
        {
            // One row's value (a NUL in text or jsonb, say) fails the statement: each row is written
            // alone, so the others are stored and only the bad one is refused.
            ReceiverLog.BatchValueRefused(logger, batch.Count, ex.SqlState);
            foreach (var pending in batch)
            {
                await WriteBatchAsync([pending]);
            }
        }
        catch (PostgresException ex) when (IsRefusedValue(ex))
        {
            ReceiverLog.DeliveryValueRefused(logger, batch[0].Delivery.Provider, ex.SqlState);
            batch[0].Result.TrySetException(new DeliveryRefusedException(ex));
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            ReceiverLog.StoreFailed(logger, batch.Count, ex);
            foreach (var pending in batch)
            {
                pending.Result.TrySetException(new StorageUnavailableException(ex));
            }
        }
    }

    /// <summary>PostgreSQL's class 22, data exception: a value of the row, not the database, is at fault.</summary>
    private static bool IsRefusedValue(PostgresException ex) => ex.SqlState.StartsWith("22", StringComparison.Ordinal);

    private async Task<Dictionary<(string Provider, string DeliveryId), long>> InsertAsync(List<Pending> batch)
    {
        await using var insert = dataSource.CreateCommand();
        return await DeliveryRows.InsertAsync(insert, [.. batch.Select(p => new NewDelivery(
            p.Delivery.Provider, p.Delivery.DeliveryId, p.Delivery.EventType, p.Delivery.Headers, p.Delivery.Body, p.TraceParent, p.TraceState))]);
    }

    private sealed record Pending(InboundDelivery Delivery, string? TraceParent, string? TraceState)
    {
        public TaskCompletionSource<StoreResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

public sealed record InboundDelivery(
    string Provider,
    string DeliveryId,
    string EventType,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body);

public sealed record StoreResult(long? Id, bool Duplicate);

/// <summary>PostgreSQL refused a value of this delivery (not the database's fault): the caller answers 400, never stores it.</summary>
public sealed class DeliveryRefusedException(PostgresException innerException)
    : Exception($"PostgreSQL refused a value of the delivery ({innerException.SqlState}); it was not stored.", innerException);

/// <summary>The delivery could not be stored; the caller must not acknowledge it.</summary>
public sealed class StorageUnavailableException(Exception innerException)
    : Exception("The delivery store is unavailable.", innerException);
