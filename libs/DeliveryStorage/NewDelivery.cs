namespace Integrations.DeliveryStorage;

/// <summary>
/// A delivery to store in <c>deliveries</c>: what the receiver verified, or what gap recovery fetched from
/// the provider. <paramref name="Recovered"/> marks one that gap recovery brought in; the insert also marks
/// a delivery recovered when gap recovery asked the provider to send it again (<see cref="DeliveryRows"/>).
/// </summary>
public sealed record NewDelivery(
    string Provider,
    string DeliveryId,
    string EventType,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    string? TraceParent = null,
    string? TraceState = null,
    bool Recovered = false);
