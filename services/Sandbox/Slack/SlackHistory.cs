using System.Collections.Concurrent;

namespace Integrations.Sandbox.Slack;

/// <summary>Every message posted through the sandbox's Slack API, per channel id, for <c>conversations.history</c>.</summary>
public sealed class SlackHistory
{
    private readonly ConcurrentDictionary<long, PostedMessage> _messages = new();

    public void Add(long sequence, PostedMessage message) => _messages[sequence] = message;

    /// <summary>Newest first.</summary>
    public IEnumerable<PostedMessage> In(string channelId) =>
        _messages.OrderByDescending(p => p.Key).Select(p => p.Value).Where(m => m.Channel == channelId);
}
