namespace Integrations.AppHost.Tests;

/// <summary>
/// A gate whose Redis goes away. It runs on its own Redis and process, so the shared stack is not
/// disturbed: the first calls prove it works, then Redis is killed.
/// </summary>
public sealed class GateOutageTests
{
    [Fact]
    public async Task WhenRedisIsUnreachableIdempotencyAndRateLimitsFailClosed()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var gate = await GateProcess.StartAsync(redis.ConnectionString);
        using var http = gate.CreateHttpClient();
        var claimed = $"github:{Guid.NewGuid()}:send_message";
        var client = new GateClient(http);
        Assert.Equal(IdempotencyStatus.New, (await client.BeginAsync(new BeginRequest(claimed, "fp-1", TimeSpan.FromMilliseconds(200)))).Status);
        Assert.True((await client.DecideAsync(new RateLimitRequest("github", "c1"))).Allowed);

        await redis.StopAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        foreach (var key in new[] { claimed, $"github:{Guid.NewGuid()}:send_message" })
        {
            using var begin = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest(key, "fp-1"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, begin.StatusCode);
            Assert.Equal("application/problem+json", begin.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("\"new\"", await begin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var decide = await http.PostAsJsonAsync("/api/ratelimits/decisions", new RateLimitRequest("github", "c1"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, decide.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.BeginAsync(new BeginRequest(claimed, "fp-1")));
    }

    [Fact]
    public async Task RateLimitsConfiguredToFailOpenAllowCallsMarkedDegradedWhileIdempotencyStillFailsClosed()
    {
        var deadRedis = $"127.0.0.1:{GateProcess.FreePort()},connectTimeout=500";
        await using var gate = await GateProcess.StartAsync(deadRedis, "Gate__RateLimitFailureMode=Open");
        using var http = gate.CreateHttpClient();
        var client = new GateClient(http);

        var decision = await client.DecideAsync(new RateLimitRequest("github", "c1"));
        using var begin = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest($"github:{Guid.NewGuid()}:send_message", "fp-1"));

        Assert.True(decision.Allowed);
        Assert.True(decision.Degraded);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, begin.StatusCode);
    }
}
