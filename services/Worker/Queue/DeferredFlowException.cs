namespace Integrations.Worker.Queue;

/// <summary>
/// Not a failure: the work must wait (a spent rate budget, another worker's lease). The delivery is
/// tried again no earlier than <see cref="NotBefore"/> and the attempt is not counted.
/// </summary>
public sealed class DeferredFlowException(string message, TimeSpan? notBefore) : Exception(message)
{
    public TimeSpan NotBefore { get; } = notBefore is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
}
