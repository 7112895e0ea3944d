using Integrations.Worker.Queue;
using Integrations.Worker.Slack;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Sends a message to a Slack channel, at most once per idempotency key (see <see cref="EffectGuard"/>).
/// A refusal that no retry can fix becomes a <see cref="PermanentFlowException"/>; a rate limit is
/// reported to the gate; other transient refusals are rethrown for the queue to retry. The key
/// travels in the message's metadata, so after a crash the message is found, not posted again.
/// </summary>
public sealed class SendMessage(SlackWebApiClient slack, EffectGuard guard)
{
    public const string Action = nameof(SendMessage);

    /// <returns>The message's Slack timestamp (its id), or the stored one when it was already sent.</returns>
    public Task<EffectResult> RunAsync(string channel, string text, string idempotencyKey, CancellationToken cancellationToken, string actor = WriteAudit.Actor) =>
        guard.RunAsync(new Effect("slack", channel, Action, channel, idempotencyKey, text, actor), ct => Call(async () =>
            (await slack.PostMessageAsync(channel, text, ct, idempotencyKey)).Ts, channel),
            cancellationToken,
            findExisting: (firstClaimedAt, ct) => Call(() => slack.FindMessageAsync(channel, idempotencyKey, firstClaimedAt, ct), channel));

    private static async Task<T> Call<T>(Func<Task<T>> call, string channel)
    {
        try
        {
            return await call();
        }
        catch (SlackApiException ex) when (ex.RetryAfter is { } retryAfter)
        {
            throw new ProviderRateLimitedException("slack", retryAfter, ex);
        }
        catch (SlackApiException ex) when (!ex.IsTransient)
        {
            throw new PermanentFlowException($"Slack refused {Action} to {channel}.", ex);
        }
    }
}
