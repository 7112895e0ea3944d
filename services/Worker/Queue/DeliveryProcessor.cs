using System.Diagnostics;
using System.Threading.Channels;
using Integrations.Worker.Connectors;
using Integrations.Worker.Flows;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Integrations.Worker.Queue;

/// <summary>
/// Drains the delivery queue (competing consumers, like further worker replicas): claim, run the
/// matching flow under the trace the receiver started, then complete, defer
/// (<see cref="DeferredFlowException"/>, not counted as an attempt) or fail the delivery. Flows may
/// throw; a <see cref="PermanentFlowException"/> dead-letters at once, anything else is retried on
/// the <see cref="RetrySchedule"/>.
/// <para>
/// One loop claims only as many deliveries as there are idle slots (<see cref="QueueOptions.Concurrency"/>),
/// so a claimed delivery starts at once and never waits behind another delivery's provider calls;
/// finished deliveries are marked done in batches by a second loop.
/// </para>
/// </summary>
public sealed class DeliveryProcessor(
    DeliveryQueue queue,
    IServiceScopeFactory scopes,
    DeliveryFlowRouter router,
    IOptions<QueueOptions> options,
    ILogger<DeliveryProcessor> logger) : BackgroundService
{
    public static readonly ActivitySource ActivitySource = new(Extensions.TelemetryPrefix + "Worker");

    /// <summary>The last time the loop made progress or found nothing to do; read by the health check.</summary>
    public DateTimeOffset LastHeartbeat { get; private set; } = DateTimeOffset.UtcNow;

    public Exception? LastError { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var signal = new WorkSignal();
        var done = Channel.CreateUnbounded<ClaimedDelivery>(new UnboundedChannelOptions { SingleReader = true });
        return Task.WhenAll(ListenLoopAsync(signal, stoppingToken), ClaimLoopAsync(signal, done.Writer, stoppingToken), CompleteLoopAsync(done.Reader));
    }

    /// <summary>
    /// Turns <c>NOTIFY deliveries</c> into a wake-up for the claim loop. It also polls, so a lost
    /// notification or a broken listener delays work by one poll interval, never loses it.
    /// </summary>
    private async Task ListenLoopAsync(WorkSignal signal, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = await queue.OpenListenerAsync(stoppingToken);
                listener.Notification += (_, _) => signal.Pulse();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await listener.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                WorkerLog.QueueUnavailable(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task ClaimLoopAsync(WorkSignal signal, ChannelWriter<ClaimedDelivery> done, CancellationToken stoppingToken)
    {
        var concurrency = options.Value.Concurrency;
        // Not disposed: a delivery that outlives the shutdown grace still releases its slot.
        var slots = new SemaphoreSlim(concurrency, concurrency);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var idle = 1;
                while (idle < options.Value.ClaimBatch && slots.Wait(0))
                {
                    idle++;
                }

                var announced = signal.Next;
                IReadOnlyList<ClaimedDelivery> batch;
                try
                {
                    batch = await queue.ClaimAsync(idle, stoppingToken);
                    LastHeartbeat = DateTimeOffset.UtcNow;
                    LastError = null;
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    slots.Release(idle);
                    LastError = ex;
                    WorkerLog.QueueUnavailable(logger, ex);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    slots.Release(idle);
                    throw;
                }

                if (batch.Count < idle)
                {
                    slots.Release(idle - batch.Count);
                }

                foreach (var delivery in batch)
                {
                    _ = RunAsync(delivery, slots, done, stoppingToken);
                }

                // Fewer than asked for: nothing else is due now, so claiming again at once would come
                // back empty. Wait for the next announcement (or the poll) instead.
                if (batch.Count < idle)
                {
                    await WorkSignal.WaitAsync(announced, options.Value.PollInterval, stoppingToken);
                    if (options.Value.ClaimGathering > TimeSpan.Zero)
                    {
                        await Task.Delay(options.Value.ClaimGathering, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Let the deliveries under way finish (their flows see the cancellation) before marking the last ones done.
            for (var i = 0; i < concurrency; i++)
            {
                await slots.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            }

            done.Complete();
        }
    }

    private async Task RunAsync(ClaimedDelivery delivery, SemaphoreSlim slots, ChannelWriter<ClaimedDelivery> done, CancellationToken stoppingToken)
    {
        try
        {
            if (await ProcessAsync(delivery, stoppingToken))
            {
                done.TryWrite(delivery);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // Deferring or failing it could not be stored: its lease runs out and it is claimed again.
            LastError = ex;
            WorkerLog.QueueUnavailable(logger, ex);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>
    /// Marks finished deliveries done, as many at a time as have finished. When that fails, their
    /// leases run out and they are run again; every effect they had is skipped by its key.
    /// </summary>
    private async Task CompleteLoopAsync(ChannelReader<ClaimedDelivery> done)
    {
        var batch = new List<ClaimedDelivery>();
        while (await done.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < 256 && done.TryRead(out var delivery))
            {
                batch.Add(delivery);
            }

            try
            {
                await queue.CompleteAsync(batch, CancellationToken.None);
                LastHeartbeat = DateTimeOffset.UtcNow;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                LastError = ex;
                WorkerLog.QueueUnavailable(logger, ex);
            }

            batch.Clear();
        }
    }

    /// <returns><c>true</c> when the delivery is done and should be marked so with its batch.</returns>
    private async Task<bool> ProcessAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        // The receiver stored its trace context with the delivery: continue that trace across the queue.
        ActivityContext.TryParse(delivery.TraceParent, delivery.TraceState, isRemote: true, out var parent);
        using var activity = ActivitySource.StartActivity($"process {delivery.Provider} {delivery.EventType}", ActivityKind.Consumer, parent);
        activity?.SetTag("integrations.provider", delivery.Provider);
        activity?.SetTag("integrations.delivery_id", delivery.DeliveryId);
        activity?.SetTag("integrations.attempt", delivery.Attempt);

        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var flow = router.Resolve(scope.ServiceProvider, delivery.Provider, delivery.EventType);
            if (flow is null)
            {
                WorkerLog.Unhandled(logger, delivery.Provider, delivery.EventType, delivery.DeliveryId);
            }
            else
            {
                await flow.RunAsync(delivery, cancellationToken);
            }

            WorkerLog.Processed(logger, delivery.Provider, delivery.DeliveryId, delivery.EventType, delivery.Attempt);
            return true;
        }
        catch (DeferredFlowException deferred)
        {
            await queue.DeferAsync(delivery, deferred.NotBefore, cancellationToken);
            WorkerLog.Deferred(logger, delivery.Provider, delivery.DeliveryId, deferred.NotBefore.TotalSeconds, deferred.Message);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error);
            var notBefore = (ex as ProviderRateLimitedException)?.RetryAfter;
            var state = await queue.FailAsync(delivery, $"{ex.GetType().Name}: {ex.Message}", ex is PermanentFlowException, notBefore, cancellationToken);
            WorkerLog.DeliveryFailed(logger, delivery.Provider, delivery.DeliveryId, delivery.Attempt, state, ex);
            return false;
        }
    }
}
