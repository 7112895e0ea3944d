using System.Text.Json;

namespace Integrations.Sandbox.Webhooks;

/// <summary>
/// Every Stripe event the sandbox has sent (or dropped, see <see cref="SendWebhooksRequest.Drop"/>), as
/// Stripe keeps them for <c>GET /v1/events</c>: newest first, by <c>created</c> and then by the order
/// they were made in, so events of the same second keep a stable order across pages. Lives as long as
/// the sandbox process.
/// </summary>
public sealed class StripeEventLog
{
    private readonly Lock _lock = new();
    private readonly List<StripeEvent> _events = [];
    private long _sequence;

    /// <summary>Records an event once; a copy of it (the same id) is the same event.</summary>
    public void Record(OutgoingWebhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        using var body = JsonDocument.Parse(webhook.Body);
        var created = body.RootElement.TryGetProperty("created", out var c) && c.TryGetInt64(out var seconds) ? seconds : 0;
        lock (_lock)
        {
            if (_events.Exists(e => e.Id == webhook.DeliveryId))
            {
                return;
            }

            _events.Add(new StripeEvent(++_sequence, webhook.DeliveryId, webhook.EventType, created, webhook.Body));
        }
    }

    public StripeEvent? Find(string id)
    {
        lock (_lock)
        {
            return _events.Find(e => e.Id == id);
        }
    }

    /// <summary>Every event, newest first.</summary>
    public IReadOnlyList<StripeEvent> NewestFirst()
    {
        lock (_lock)
        {
            return [.. _events.OrderByDescending(e => e.Created).ThenByDescending(e => e.Sequence)];
        }
    }
}

/// <summary>One Stripe event as sent: its id, type, <c>created</c> (Unix seconds) and exact body.</summary>
public sealed record StripeEvent(long Sequence, string Id, string Type, long Created, byte[] Body);
