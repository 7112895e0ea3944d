using Integrations.Worker.Queue;

namespace Integrations.Worker.Flows;

/// <summary>A business flow started by an inbound delivery.</summary>
public interface IDeliveryFlow
{
    bool Handles(string provider, string eventType);

    Task RunAsync(ClaimedDelivery delivery, CancellationToken cancellationToken);
}
