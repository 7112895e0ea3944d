using Integrations.Worker.Connectors;
using Integrations.Worker.Queue;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Flows;

/// <summary>GitHub <c>push</c> → a one-line summary in Slack, audited.</summary>
public sealed class PushSummaryFlow(SendMessage sendMessage, IOptions<FlowOptions> options) : IDeliveryFlow
{
    public static bool Handles(string provider, string eventType) => provider == "github" && eventType == "push";

    public async Task RunAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);

        PushSummary summary;
        try
        {
            summary = PushSummary.Parse(delivery.Body);
        }
        catch (FormatException ex)
        {
            throw new PermanentFlowException("The push event cannot be summarised.", ex);
        }

        var idempotencyKey = $"{delivery.Provider}:{delivery.DeliveryId}:send_message";
        await sendMessage.RunAsync(options.Value.PushSummaryChannel, summary.Text, idempotencyKey, cancellationToken);
    }
}
