namespace Integrations.Worker.Client;

/// <summary>A delivery the worker gave up on, as <c>GET api/dead-letters</c> lists it.</summary>
public sealed record DeadLetter(string Provider, string DeliveryId, string EventType, int Attempts, string? LastError, DateTimeOffset ReceivedAt);
