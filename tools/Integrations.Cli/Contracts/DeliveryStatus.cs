namespace Integrations.Cli.Contracts;

/// <summary>A stored delivery's state, as the receiver's <c>/deliveries</c> API answers.</summary>
public sealed record DeliveryStatus(
    string Provider, string DeliveryId, string EventType, string State, int Attempts,
    DateTimeOffset ReceivedAt, DateTimeOffset? CompletedAt, string? LastError);
