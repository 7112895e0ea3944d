namespace Integrations.Worker.Queue;

/// <summary>A stored delivery as it is now, whatever its state: what a replay would run, read without claiming it.</summary>
public sealed record StoredDelivery(ClaimedDelivery Delivery, string State);
