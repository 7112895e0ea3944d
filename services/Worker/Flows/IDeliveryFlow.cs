using Integrations.Worker.Queue;

namespace Integrations.Worker.Flows;

/// <summary>
/// A business flow started by an inbound delivery. Which flow a delivery starts is decided by its
/// <see cref="DeliveryFlowRoute"/>, before any flow is built (see <see cref="DeliveryFlowRouter"/>).
/// </summary>
public interface IDeliveryFlow
{
    Task RunAsync(ClaimedDelivery delivery, CancellationToken cancellationToken);
}
