using Integrations.Worker.Queue;
using Integrations.Worker.Slack;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Sends a message to a Slack channel, at most once per idempotency key (see <see cref="EffectGuard"/>).
/// A refusal that no retry can fix becomes a <see cref="PermanentFlowException"/>; a rate limit is
/// reported to the gate; other transient refusals are rethrown for the queue to retry.
/// </summary>
public sealed class SendMessage(SlackWebApiClient slack, EffectGuard guard)
{
    public const string Action = nameof(SendMessage);

    /// <returns>The message's Slack timestamp (its id), or the stored one when it was already sent.</returns>
    public Task<EffectResult> RunAsync(string channel, string text, string idempotencyKey, CancellationToken cancellationToken, string actor = WriteAudit.Actor) =>
        guard.RunAsync(new Effect("slack", channel, Action, channel, idempotencyKey, text, actor), async ct =>
        {
            try
            {
                var posted = await slack.PostMessageAsync(channel, text, ct);
                return posted.Ts;
            }
            catch (SlackApiException ex) when (ex.RetryAfter is { } retryAfter)
            {
                throw new ProviderRateLimitedException("slack", retryAfter, ex);
            }
            catch (SlackApiException ex) when (!ex.IsTransient)
            {
                throw new PermanentFlowException($"Slack refused {Action} to {channel}.", ex);
            }
        }, cancellationToken);
}
