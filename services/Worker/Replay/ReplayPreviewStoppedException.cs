namespace Integrations.Worker.Replay;

/// <summary>
/// Ends a replay preview at a step. <see cref="Complete"/> says whether the replay itself would stop
/// there (a permanent failure it would meet) or only the preview cannot see past it (a read whose
/// result the flow needs).
/// </summary>
public sealed class ReplayPreviewStoppedException(string reason, bool complete) : Exception(reason)
{
    public bool Complete { get; } = complete;
}
