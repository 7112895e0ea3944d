using Integrations.Worker.Client;
using Integrations.Worker.Flows;
using Integrations.Worker.Queue;
using Npgsql;

namespace Integrations.Worker.Replay;

/// <summary>
/// Shows what replaying a stored delivery would do, by running the delivery's own flow (the one
/// <see cref="DeliveryFlowRouter"/> picks, as the queue would) in a DI scope whose
/// <see cref="ReplayPreviewContext"/> it starts: the list cannot drift from what a replay does, because it
/// is the replay's code. In that scope no provider, gate, ledger start or audit row is touched (see
/// <see cref="Connectors.EffectGuard"/>); the delivery is read, not claimed, so its state does not change.
/// <para>
/// The preview ends early in two ways: where the replay itself would stop (an effect that failed
/// permanently, a request the flow refuses), which is complete; or where the flow needs a result only a
/// provider call gives (a read, or the outcome of an effect still to run), which is not.
/// </para>
/// </summary>
public sealed class ReplayPreviewer(QueueAdministration queue, IServiceScopeFactory scopes, DeliveryFlowRouter router)
{
    /// <returns>The preview, or <c>null</c> when no delivery has that provider and id.</returns>
    public async Task<ReplayPreview?> PreviewAsync(string provider, string deliveryId, CancellationToken cancellationToken)
    {
        if (await queue.FindAsync(provider, deliveryId, cancellationToken) is not { } stored)
        {
            return null;
        }

        var delivery = stored.Delivery;
        await using var scope = scopes.CreateAsyncScope();
        var preview = scope.ServiceProvider.GetRequiredService<ReplayPreviewContext>();
        preview.Start();
        ReplayPreview Answer(string? flow, bool complete, string? stoppedBecause) =>
            new(provider, deliveryId, delivery.EventType, stored.State, flow, [.. preview.Effects], complete, stoppedBecause);

        var flowName = router.Find(provider, delivery.EventType)?.Flow.Name;
        try
        {
            if (router.Resolve(scope.ServiceProvider, provider, delivery.EventType) is not { } flow)
            {
                return Answer(null, complete: true, $"No flow handles {provider} {delivery.EventType} deliveries: a replay marks it done and does nothing else.");
            }

            await flow.RunAsync(delivery, cancellationToken);
            return Answer(flowName, complete: true, stoppedBecause: null);
        }
        catch (ReplayPreviewStoppedException stopped)
        {
            return Answer(flowName, stopped.Complete, stopped.Message);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or NpgsqlException or HttpRequestException) && preview.PlaceholderFor is { } needed)
        {
            // The flow was given an empty outcome for an effect still to run, and failed after it: a replay,
            // which would have the real outcome, may go on. (A database or service outage is not this: it propagates.)
            return Answer(flowName, complete: false, $"The flow needs the outcome of {needed}, which only performing it gives ({ex.GetType().Name}).");
        }
        catch (PermanentFlowException ex)
        {
            return Answer(flowName, complete: true, $"A replay would fail here and dead-letter the delivery: {ex.Message}");
        }
    }
}
