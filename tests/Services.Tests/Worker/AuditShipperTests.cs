using System.Threading.Channels;
using Integrations.Worker.Connectors;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Integrations.Services.Tests;

public sealed class AuditShipperTests
{
    [Fact]
    public async Task TheShippingLoopOutlivesAnyFailureOfAShipmentAndShipsAgain()
    {
        // What the audit client's resilience pipeline throws is neither an HttpRequestException nor a
        // database error; a loop that let it escape would stop the worker's host.
        var failures = new Queue<Exception>([new TimeoutRejectedException("attempt timed out"), new BrokenCircuitException("circuit open"), new System.Text.Json.JsonException("not an entry")]);
        var shipments = 0;
        var shippedAfterFailures = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outbox = new AuditOutbox();
        using var stop = new CancellationTokenSource();

        var loop = AuditShipper.ShipUntilStoppedAsync(_ =>
        {
            shipments++;
            if (failures.TryDequeue(out var failure))
            {
                throw failure;
            }

            shippedAfterFailures.TrySetResult();
            return Task.FromResult(0);
        }, outbox, TimeSpan.FromSeconds(1), NullLogger.Instance, stop.Token);

        await shippedAfterFailures.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(loop.IsCompleted);
        Assert.Equal(4, shipments);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RowsAnnouncedWhileACallIsUnderWayGoInTheNextCallWithoutWaitingForThePoll()
    {
        // No poll within the test: every call after the first comes from an announcement.
        var outbox = new AuditOutbox();
        var calls = Channel.CreateUnbounded<int>();
        var shipments = 0;
        using var stop = new CancellationTokenSource();

        var loop = AuditShipper.ShipUntilStoppedAsync(_ =>
        {
            var call = ++shipments;
            if (call == 2)
            {
                // More rows are committed while this call is under way.
                outbox.Announce();
            }

            calls.Writer.TryWrite(call);
            return Task.FromResult(call == 2 ? 5 : 0);
        }, outbox, TimeSpan.FromHours(1), NullLogger.Instance, stop.Token);

        Assert.Equal(1, await calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        outbox.Announce();
        Assert.Equal(2, await calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, await calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(calls.Reader.TryRead(out _));
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, shipments);
    }
}
