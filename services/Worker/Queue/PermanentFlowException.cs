namespace Integrations.Worker.Queue;

/// <summary>A failure that no retry can fix (e.g. a provider's 400): the delivery is dead-lettered.</summary>
public sealed class PermanentFlowException(string message, Exception? innerException = null)
    : Exception(message, innerException);
