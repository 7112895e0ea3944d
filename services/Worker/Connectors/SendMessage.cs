using Integrations.Audit.Client;
using Integrations.Worker.Queue;
using Integrations.Worker.Slack;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Sends a message to a Slack channel and audits the outcome under the given idempotency key.
/// A refusal that no retry can fix becomes a <see cref="PermanentFlowException"/>; a transient one
/// is rethrown for the queue to retry.
/// </summary>
public sealed class SendMessage(SlackWebApiClient slack, WriteAudit writeAudit)
{
    public const string Action = nameof(SendMessage);

    public async Task<SlackPostedMessage> RunAsync(string channel, string text, string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var posted = await slack.PostMessageAsync(channel, text, cancellationToken);
            await writeAudit.RunAsync("slack", Action, channel, idempotencyKey, AuditStatus.Succeeded, cancellationToken);
            return posted;
        }
        catch (SlackApiException ex)
        {
            await writeAudit.RunAsync("slack", Action, channel, idempotencyKey, AuditStatus.Failed, cancellationToken);
            if (ex.IsTransient)
            {
                throw;
            }

            throw new PermanentFlowException($"Slack refused {Action} to {channel}.", ex);
        }
    }
}
