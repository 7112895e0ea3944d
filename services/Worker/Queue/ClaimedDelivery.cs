namespace Integrations.Worker.Queue;

/// <summary>A delivery this worker owns until its lease runs out.</summary>
public sealed record ClaimedDelivery(
    long Id,
    string Provider,
    string DeliveryId,
    string EventType,
    byte[] Body,
    string? TraceParent,
    string? TraceState,
    int Attempt);
