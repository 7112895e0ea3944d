namespace Integrations.Receiver.Client;

/// <summary>A stored delivery as the receiver's <c>/deliveries</c> API answers it: never its body or signature headers.</summary>
/// <param name="State">One of <see cref="DeliveryState"/>.</param>
/// <param name="Recovered">Brought in by gap recovery (the worker's backfill), not delivered by the provider on its own.</param>
public sealed record DeliveryStatus(
    string Provider,
    string DeliveryId,
    string EventType,
    string State,
    int Attempts,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? CompletedAt,
    string? LastError,
    bool Recovered = false);
