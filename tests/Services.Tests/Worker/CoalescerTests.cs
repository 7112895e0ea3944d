using System.Collections.Concurrent;
using System.Diagnostics;
using Integrations.Worker.Connectors;
using Integrations.Worker.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Integrations.Services.Tests;

public sealed class CoalescerTests
{
    [Fact]
    public async Task ALoneItemIsSentAtOnceInABatchOfItsOwn()
    {
        var batches = new ConcurrentQueue<int>();
        await using var coalescer = new Coalescer<int, int>("test", (items, _) =>
        {
            batches.Enqueue(items.Count);
            return Task.FromResult<IReadOnlyList<int>>([.. items.Select(i => i * 10)]);
        }, maxBatch: 100, senders: 1);

        Assert.Equal(70, await coalescer.SendAsync(7, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([1], batches);
    }

    [Fact]
    public async Task ItemsQueuedWhileACallIsInFlightShareTheNextCallAndEachGetsItsOwnAnswer()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new ConcurrentQueue<IReadOnlyList<int>>();
        await using var coalescer = new Coalescer<int, string>("test", async (items, _) =>
        {
            batches.Enqueue([.. items]);
            await release.Task;
            return [.. items.Select(i => $"answer {i}")];
        }, maxBatch: 100, senders: 1);

        var first = coalescer.SendAsync(0, CancellationToken.None);
        while (batches.IsEmpty)
        {
            await Task.Delay(5);
        }

        var queued = Enumerable.Range(1, 50).Select(i => coalescer.SendAsync(i, CancellationToken.None)).ToList();
        release.SetResult();
        var answers = await Task.WhenAll(queued).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("answer 0", await first);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"answer {i}"), answers);
        Assert.Equal([1, 50], batches.Select(b => b.Count));
    }

    /// <summary>
    /// A batch links to the callers whose traces are exported, and a batch of callers' items is exported
    /// only when it carries one of them: with few deliveries sampled, few batches are exported, each
    /// with few links.
    /// </summary>
    [Fact]
    public async Task ABatchLinksOnlyToExportedCallersAndIsExportedOnlyWithOne()
    {
        var exported = new List<Activity>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var name = $"test batch {Guid.NewGuid():N}";
        using (Sdk.CreateTracerProviderBuilder().AddSource(DeliveryProcessor.ActivitySource.Name).AddTraceSampling(0, perSecond: 5, new FakeTimeProvider()).AddInMemoryExporter(exported).Build())
        {
            await using (var coalescer = new Coalescer<int, int>(name, async (items, _) =>
            {
                Interlocked.Increment(ref calls);
                await release.Task;
                return [.. items];
            }, maxBatch: 100, senders: 1))
            {
                var first = coalescer.SendAsync(0, CancellationToken.None);
                while (Volatile.Read(ref calls) == 0)
                {
                    await Task.Delay(5);
                }

                var sampled = FromCaller(coalescer, 1, ActivityTraceFlags.Recorded, out var sampledCaller);
                var unsampled = FromCaller(coalescer, 2, ActivityTraceFlags.None, out _);
                release.SetResult();
                await Task.WhenAll(first, sampled, unsampled).WaitAsync(TimeSpan.FromSeconds(10));
                await FromCaller(coalescer, 3, ActivityTraceFlags.None, out _).WaitAsync(TimeSpan.FromSeconds(10));

                // The first batch carried no caller's trace: background work, kept as the second's traces allow.
                // The last carried only a sampled-out delivery: not exported, and it took none of them.
                var batches = exported.Where(a => a.DisplayName == name).ToList();
                Assert.Equal(2, batches.Count);
                Assert.Empty(batches[0].Links);
                Assert.Equal([sampledCaller], batches[1].Links.Select(l => l.Context.TraceId));
            }
        }
    }

    private static Task<int> FromCaller(Coalescer<int, int> coalescer, int item, ActivityTraceFlags flags, out ActivityTraceId traceId)
    {
        traceId = ActivityTraceId.CreateRandom();
        using var caller = new Activity("delivery").SetParentId(traceId, ActivitySpanId.CreateRandom(), flags).Start();
        return coalescer.SendAsync(item, CancellationToken.None);
    }

    [Fact]
    public async Task AFailedCallFailsEveryItemItCarriedAndNoOther()
    {
        var calls = 0;
        await using var coalescer = new Coalescer<int, int>("test", (items, _) =>
            Interlocked.Increment(ref calls) == 1
                ? Task.FromException<IReadOnlyList<int>>(new HttpRequestException("the gate answered 503"))
                : Task.FromResult<IReadOnlyList<int>>([.. items]), maxBatch: 100, senders: 1);

        var failed = await Assert.ThrowsAsync<HttpRequestException>(() => coalescer.SendAsync(1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("the gate answered 503", failed.Message);
        Assert.Equal(2, await coalescer.SendAsync(2, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ACallAnsweringTheWrongNumberOfItemsFailsThemAll()
    {
        await using var coalescer = new Coalescer<int, int>("test", (_, _) => Task.FromResult<IReadOnlyList<int>>([]), maxBatch: 100, senders: 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => coalescer.SendAsync(1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task NoCallCarriesMoreThanTheLargestBatch()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sizes = new ConcurrentQueue<int>();
        await using var coalescer = new Coalescer<int, int>("test", async (items, _) =>
        {
            sizes.Enqueue(items.Count);
            await release.Task;
            return [.. items];
        }, maxBatch: 8, senders: 1);

        var first = coalescer.SendAsync(0, CancellationToken.None);
        while (sizes.IsEmpty)
        {
            await Task.Delay(5);
        }

        var rest = Enumerable.Range(1, 20).Select(i => coalescer.SendAsync(i, CancellationToken.None)).ToList();
        release.SetResult();
        await Task.WhenAll(rest).WaitAsync(TimeSpan.FromSeconds(10));
        await first;

        Assert.All(sizes, size => Assert.InRange(size, 1, 8));
        Assert.Equal(21, sizes.Sum());
    }
}
