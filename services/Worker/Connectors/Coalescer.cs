using System.Diagnostics;
using System.Threading.Channels;
using Integrations.Worker.Queue;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Sends what many concurrent callers ask of one service in shared requests, the way a database
/// group-commits. Each caller enqueues its item and awaits its own answer; a few sender loops each
/// take everything queued (up to <c>maxBatch</c>) and send it as one call. There is no timer: a lone
/// item goes out at once, and under load items gather behind the calls already in flight, so the
/// batch grows with the load and a delivery never waits for a batch to fill.
/// <para>
/// Semantics are the single call's: a caller's await ends only when the call that carried its item
/// has answered, with that item's answer, or with that call's exception (then every item of the call
/// sees it, as each would have alone). A caller that stops waiting (cancellation) does not withdraw
/// its item once queued: what a queued item asks for may happen, exactly as a single request already
/// sent may be acted on after its caller gave up.
/// </para>
/// <para>
/// Tracing: each batched call runs in an activity of its own, linked to the activity of every
/// caller in it whose trace is exported, so a delivery's trace leads to the call that carried its
/// item and back. Callers whose traces are sampled out get no link (it would point at nothing in the
/// dashboard, and a batch carries up to <c>maxBatch</c> of them), and a batch that carries no exported
/// trace is not exported itself unless it fails (<c>TraceSampling</c> follows the links).
/// </para>
/// </summary>
public sealed class Coalescer<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _send;
    private readonly string _name;
    private readonly int _maxBatch;
    private readonly Task[] _senders;

    /// <param name="name">The batched call's activity name, e.g. <c>gate begin batch</c>.</param>
    /// <param name="send">Sends one batch and returns one answer per item, in order.</param>
    /// <param name="maxBatch">The most items one call carries.</param>
    /// <param name="senders">How many calls may be in flight at once.</param>
    public Coalescer(string name, Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> send, int maxBatch, int senders)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(senders, 1);
        _name = name;
        _send = send;
        _maxBatch = maxBatch;
        // The loops must not inherit the creator's trace context (or anything else of its execution context).
        using (ExecutionContext.SuppressFlow())
        {
            _senders = [.. Enumerable.Range(0, senders).Select(_ => Task.Run(SendLoopAsync))];
        }
    }

    public async Task<TResult> SendAsync(TItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item, Activity.Current?.Context ?? default, new(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(GetType().Name, "The worker is stopping; nothing more is sent.");
        }

        return await pending.Answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SendLoopAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        var items = new List<TItem>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                items.Add(pending.Item);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            using (var activity = StartActivity(batch))
            {
                try
                {
                    var answers = await _send(items, CancellationToken.None).ConfigureAwait(false);
                    if (answers.Count != batch.Count)
                    {
                        throw new InvalidOperationException($"{_name}: {batch.Count} items were sent and {answers.Count} answers came back.");
                    }

                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Answer.TrySetResult(answers[i]);
                    }
                }
                catch (Exception ex)
                {
                    activity?.AddException(ex);
                    activity?.SetStatus(ActivityStatusCode.Error);
                    foreach (var pending in batch)
                    {
                        pending.Answer.TrySetException(ex);
                    }
                }
            }

            batch.Clear();
            items.Clear();
        }
    }

    private Activity? StartActivity(List<Pending> batch)
    {
        if (!DeliveryProcessor.ActivitySource.HasListeners())
        {
            return null;
        }

        var links = new List<ActivityLink>(batch.Count);
        foreach (var pending in batch)
        {
            if (pending.Caller != default && pending.Caller.TraceFlags.HasFlag(ActivityTraceFlags.Recorded))
            {
                links.Add(new ActivityLink(pending.Caller));
            }
        }

        // With no exported caller, one unexported link lets the sampler drop the batch the same way.
        if (links.Count == 0 && batch.Find(pending => pending.Caller != default) is { } unexported)
        {
            links.Add(new ActivityLink(unexported.Caller));
        }

        var activity = DeliveryProcessor.ActivitySource.StartActivity(_name, ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("integrations.batch_size", batch.Count);
        return activity;
    }

    /// <summary>Stops taking items; what is queued is still sent before the loops end.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_senders).ConfigureAwait(false);
    }

    private sealed record Pending(TItem Item, ActivityContext Caller, TaskCompletionSource<TResult> Answer);
}
