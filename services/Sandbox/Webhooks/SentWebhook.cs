using System.Text.Json;

namespace Integrations.Sandbox.Webhooks;

/// <summary>
/// What the sender sent and how the receiver answered it (<see cref="Status"/> 0: no answer). <see cref="Dropped"/>:
/// recorded by the provider as sent, but never delivered to the receiver.
/// </summary>
public sealed record SentWebhook(string Provider, string EventType, string DeliveryId, int Copy, int Status, JsonElement Payload, JsonElement? Response, bool Dropped = false);
