namespace Integrations.Worker.Client;

/// <summary>
/// What replaying a stored delivery would do, as <c>GET api/deliveries/{provider}/{deliveryId}/replay-preview</c>
/// answers it: the delivery's own flow run in preview mode, which calls no provider and writes nothing.
/// </summary>
/// <param name="State">The delivery's state now; a replay is refused while it is <c>processing</c>.</param>
/// <param name="Flow">The flow a replay would run; <c>null</c> when no flow handles the delivery (a replay marks it done).</param>
/// <param name="Effects">Each step the flow would reach, in order.</param>
/// <param name="Complete">
/// True when the preview followed the flow as far as a replay would go: to its end, or to the step where
/// the replay itself would stop (<see cref="StoppedBecause"/> says which). False when the preview could not
/// see further, because the flow needs a result only a provider call gives (<see cref="StoppedBecause"/> names it).
/// </param>
/// <param name="StoppedBecause">Why the list ends before the flow's end; <c>null</c> when the flow would run to its end.</param>
public sealed record ReplayPreview(
    string Provider,
    string DeliveryId,
    string EventType,
    string State,
    string? Flow,
    IReadOnlyList<PlannedEffect> Effects,
    bool Complete,
    string? StoppedBecause);
