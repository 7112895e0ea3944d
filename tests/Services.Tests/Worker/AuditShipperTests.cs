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
        }, outbox, NullLogger.Instance, stop.Token);

        await shippedAfterFailures.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(loop.IsCompleted);
        Assert.Equal(4, shipments);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
