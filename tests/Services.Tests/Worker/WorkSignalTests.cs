using Integrations.Worker.Queue;

namespace Integrations.Services.Tests;

public sealed class WorkSignalTests
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task APulseWhileTheLoopWasStillLookingEndsTheWaitAtOnce()
    {
        var signal = new WorkSignal();
        var announced = signal.Next;
        signal.Pulse(); // arrives after the loop read Next, before it starts waiting

        var wait = WorkSignal.WaitAsync(announced, s_poll, CancellationToken.None);

        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task APulseBeforeTheLoopLookedDoesNotEndALaterWait()
    {
        var signal = new WorkSignal();
        signal.Pulse(); // already covered by the look that follows
        var announced = signal.Next;

        var wait = WorkSignal.WaitAsync(announced, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await wait;

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(250), $"returned after {stopwatch.Elapsed.TotalMilliseconds} ms, before the poll interval");
    }

    [Fact]
    public async Task CancellationEndsTheWait()
    {
        using var stopping = new CancellationTokenSource();
        var wait = WorkSignal.WaitAsync(new WorkSignal().Next, s_poll, stopping.Token);
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
