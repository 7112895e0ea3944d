namespace Integrations.Worker.Queue;

/// <summary>
/// Wakes the claim loop when new work is announced. Take <see cref="Next"/> before looking for
/// work and wait on it after finding too little: a pulse that arrives while the loop is still
/// looking has then already completed it, so no announcement falls between looking and waiting.
/// </summary>
internal sealed class WorkSignal
{
    private TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the first pulse after it was read.</summary>
    public Task Next => Volatile.Read(ref _pulse).Task;

    public void Pulse() => Interlocked.Exchange(ref _pulse, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Returns when <paramref name="next"/> completes or after <paramref name="timeout"/>, whichever comes first.</summary>
    public static async Task WaitAsync(Task next, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(next, Task.Delay(timeout, delay.Token));
        await delay.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }
}
