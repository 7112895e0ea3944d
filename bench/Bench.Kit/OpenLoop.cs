using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Integrations.Bench.Kit;

/// <summary>
/// Requests at a constant arrival rate (open model). Request i is due at start + i/rate whatever
/// happened to earlier ones, and its latency counts from that due time, so a stalled server cannot
/// hide latency by slowing the generator down (no coordinated omission); the latency from the send
/// is kept too, which leaves the generator's own lateness out.
/// One pacing thread sleeps until each request is due and starts it there, without a timer or a
/// thread-pool hop in between, so "from due time" is the server's latency plus little of the
/// generator's (docs/benchmarks.md, "The benchmark kit", has the generator's lateness).
/// Requests are not kept once answered (a retained Task keeps its request and response alive): a
/// countdown tells when the last one is done.
/// </summary>
public static partial class OpenLoop
{
    /// <summary>
    /// Calls <paramref name="send"/> with indexes 0, 1, 2, … at <paramref name="rate"/> per second for
    /// <paramref name="duration"/>, or until <paramref name="cancellationToken"/> stops the sending, and
    /// waits for every answer. <paramref name="send"/> returns the answer's HTTP status; an exception
    /// counts as no answer (-1), and the first one is reported on standard error.
    /// </summary>
    public static async Task<OpenLoopRun> RunAsync(int rate, TimeSpan duration, Func<int, Task<int>> send, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        ArgumentNullException.ThrowIfNull(send);
        var run = new OpenLoopRun(rate, checked((int)(rate * duration.TotalSeconds)));
        // The pacer holds one count until it has released its last request.
        var outstanding = run.Requested + 1;
        var allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var pacer = new Thread(() =>
        {
            run.Start();
            var sent = 0;
            for (; sent < run.Requested && !cancellationToken.IsCancellationRequested; sent++)
            {
                SleepUntil(run.DueTimestamp(sent));
                _ = SendAsync(sent);
            }

            run.FinishSending(sent);
            // What was never sent is never answered.
            Interlocked.Add(ref outstanding, sent - run.Requested);
            CountDown();
        }) { IsBackground = true, Name = "pacer" };
        pacer.Start();
        await allAnswered.Task;
        run.Finish();
        return run;

        async Task SendAsync(int index)
        {
            var sentTimestamp = Stopwatch.GetTimestamp();
            var status = -1;
            try
            {
                status = await send(index);
            }
            catch (Exception ex)
            {
                // Counted as no answer, whatever went wrong, so a request that failed in an
                // unexpected way cannot hang the run; the first failure says what it was.
                run.Fail(ex);
            }
            finally
            {
                run.Record(index, status, sentTimestamp, Stopwatch.GetTimestamp());
                CountDown();
            }
        }

        void CountDown()
        {
            if (Interlocked.Decrement(ref outstanding) == 0)
            {
                allAnswered.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Sleeps until the Stopwatch reaches <paramref name="timestamp"/>: with nanosleep on Linux
    /// (Thread.Sleep rounds to whole milliseconds); elsewhere whole-millisecond sleeps are the best there is.
    /// </summary>
    private static void SleepUntil(long timestamp)
    {
        while (Stopwatch.GetTimestamp() is var now && now < timestamp)
        {
            var remaining = Stopwatch.GetElapsedTime(now, timestamp);
            if (OperatingSystem.IsLinux())
            {
                var sleep = new Timespec { Seconds = (long)remaining.TotalSeconds, Nanoseconds = remaining.Ticks % TimeSpan.TicksPerSecond * 100 };
                _ = Nanosleep(in sleep, IntPtr.Zero);
            }
            else
            {
                Thread.Sleep(remaining < TimeSpan.FromMilliseconds(1) ? TimeSpan.Zero : remaining);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "nanosleep", SetLastError = true)]
    private static partial int Nanosleep(in Timespec request, IntPtr remaining);

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
