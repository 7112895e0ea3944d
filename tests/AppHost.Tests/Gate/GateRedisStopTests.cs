namespace Integrations.AppHost.Tests;

/// <summary>
/// Stops the <c>cache</c> resource under a running gate. It uses its own AppHost instance, so the
/// shared <see cref="StackFixture"/> keeps its Redis.
/// </summary>
public sealed class GateRedisStopTests : IDisposable
{
    private readonly ThrowawayStack _stack = new("gate-outage");

    [Fact]
    public async Task WhenTheStacksRedisIsStoppedTheGateAnswers503AndNeverNew()
    {
        using var cts = new CancellationTokenSource(StackFixture.StartTimeout);
        await using var app = await _stack.StartAsync([$"Parameters:gate-api-key={StackFixture.GateApiKey}"], configure: null, "gate");

        using var http = GateProcess.CreateHttpClient(app.GetEndpoint("gate", "http"));
        var leased = $"github:{Guid.NewGuid()}:send_message";
        using (var first = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest(leased, "fp-1")))
        {
            // The body is in the message so that a refusal says why (a problem, or the exception in Development).
            Assert.True(first.StatusCode == HttpStatusCode.OK, $"{(int)first.StatusCode}: {await first.Content.ReadAsStringAsync()}");
            Assert.Equal(IdempotencyStatus.New, (await first.Content.ReadFromJsonAsync<BeginResult>())!.Status);
        }

        var stopped = await app.ResourceCommands.ExecuteCommandAsync("cache", KnownResourceCommands.StopCommand, cts.Token);
        Assert.True(stopped.Success, stopped.Message);

        // Until the gate notices the loss, the leased key may still answer in_progress; it must never answer new.
        using var unavailable = await StackFixture.EventuallyAsync(async () =>
        {
            var response = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest(leased, "fp-1"));
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return response;
            }

            response.Dispose();
            return null;
        }, "the gate to notice that Redis stopped");

        Assert.Equal("application/problem+json", unavailable.Content.Headers.ContentType?.MediaType);
        using var fresh = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest($"github:{Guid.NewGuid()}:send_message", "fp-1"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fresh.StatusCode);
        using var decision = await http.PostAsJsonAsync("/api/ratelimits/decisions", new RateLimitRequest("github", "c1"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, decision.StatusCode);
    }

    public void Dispose() => _stack.Dispose();
}
