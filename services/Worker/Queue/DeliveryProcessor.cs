using System.Diagnostics;
using Integrations.Worker.Connectors;
using Integrations.Worker.Flows;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Integrations.Worker.Queue;

/// <summary>
/// Drains the delivery queue with <see cref="QueueOptions.Concurrency"/> loops (competing consumers,
/// like further worker replicas): claim, run the matching flow under the trace the receiver started,
/// then complete, defer (<see cref="DeferredFlowException"/>, not counted as an attempt) or fail the
/// delivery. Flows may throw; a <see cref="PermanentFlowException"/>
/// dead-letters at once, anything else is retried on the <see cref="RetrySchedule"/>.
/// </summary>
public sealed class DeliveryProcessor(
    DeliveryQueue queue,
    IServiceScopeFactory scopes,
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
        var loops = Enumerable.Range(0, options.Value.Concurrency).Select(_ => ProcessLoopAsync(signal, stoppingToken));
        return Task.WhenAll([ListenLoopAsync(signal, stoppingToken), .. loops]);
    }

    /// <summary>
    /// Turns <c>NOTIFY deliveries</c> into a wake-up for the processing loops. They also poll, so a
    /// lost notification or a broken listener delays work by one poll interval, never loses it.
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

    private async Task ProcessLoopAsync(WorkSignal signal, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await queue.ClaimAsync(options.Value.ClaimBatch, stoppingToken) is { Count: > 0 } batch)
                {
                    var done = new List<ClaimedDelivery>(batch.Count);
                    foreach (var delivery in batch)
                    {
                        if (await ProcessAsync(delivery, stoppingToken))
                        {
                            done.Add(delivery);
                        }
                    }

                    await queue.CompleteAsync(done, stoppingToken);
                    LastHeartbeat = DateTimeOffset.UtcNow;
                }

                LastHeartbeat = DateTimeOffset.UtcNow;
                LastError = null;
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                LastError = ex;
                WorkerLog.QueueUnavailable(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
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
        var flow = scope.ServiceProvider.GetServices<IDeliveryFlow>()
            .FirstOrDefault(candidate => candidate.Handles(delivery.Provider, delivery.EventType));
        try
        {
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
