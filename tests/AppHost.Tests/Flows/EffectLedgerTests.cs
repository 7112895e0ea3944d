using StackExchange.Redis;

namespace Integrations.AppHost.Tests;

/// <summary>
/// Exactly-once does not rest on Redis: when the gate's key is gone (lost, evicted, or expired after
/// 7 days), the worker's durable effect ledger in PostgreSQL still stops a second effect.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class EffectLedgerTests(StackFixture stack)
{
    [Fact]
    public async Task AReplayAfterRedisForgotTheKeyDoesNotPostAgain()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var repository = $"acme/forgotten-{deliveryId[..8]}";
        var body = GitHubDelivery.PushPayload(repository);
        var key = $"github:{deliveryId}:send_message";
        using var receiver = stack.CreateReceiverAdminClient();
        using (var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret))))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await WaitForDoneAsync(receiver, deliveryId, "the delivery to be done");
        await ForgetInRedisAsync(key);

        using var worker = stack.CreateWorkerAdminClient();
        using (var replay = await worker.PostAsync($"/api/deliveries/github/{deliveryId}/replay", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }

        await stack.WaitForAuditRowAsync(key, "skipped");
        // The replay's attempt found the outcome in the ledger, so its start wrote no 'started' row.
        var statuses = (await stack.GetAuditRowsAsync<JsonElement>($"?idempotencyKey={key}")).Select(row => row.GetProperty("status").GetString());
        Assert.Equal(["skipped", "started", "succeeded"], statuses.Order());
        await WaitForDoneAsync(receiver, deliveryId, "the replayed delivery to be done");
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString()!.Contains(repository, StringComparison.Ordinal));
        // The gate relearnt the outcome from the ledger.
        Assert.True(await KnownToRedisAsync(key));
    }

    [Fact]
    public async Task AnEffectThatMayHaveActedIsLookedForAtTheProviderWhenRedisForgotTheKey()
    {
        var key = $"cli:{Guid.NewGuid():N}:send_message";
        var text = $"certificate renewed {key}";
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        // Slack posts the message but holds its answer past the worker's 10 s attempt timeout.
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = "/slack/api/chat.postMessage", kind = "stall", latency = "00:00:30", count = 1 })).EnsureSuccessStatusCode();
        using var worker = stack.CreatePlainWorkerAdminClient();
        object message = new { channel = "#ops", text, actor = "alice", idempotencyKey = key };

        using var first = await worker.PostAsJsonAsync("/api/actions/send-message", message);
        Assert.Equal(HttpStatusCode.GatewayTimeout, first.StatusCode);
        await ForgetInRedisAsync(key);
        using var retry = await worker.PostAsJsonAsync("/api/actions/send-message", message);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("succeeded", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString() == text);
    }

    [Fact]
    public async Task TheLedgerRecordsEachEffectAndItsOutcomeDurably()
    {
        var key = $"cli:{Guid.NewGuid():N}:send_message";
        using var worker = stack.CreateWorkerAdminClient();

        using var sent = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "#ops", text = $"ledger {key}", actor = "alice", idempotencyKey = key });

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var outcome = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString();
        Assert.Equal(1, await stack.ScalarAsync("integrationsdb",
            "SELECT count(*) FROM effects WHERE idempotency_key = $1 AND succeeded AND completed_at IS NOT NULL AND outcome = $2", key, outcome!));
    }

    /// <summary>Deletes the gate's record of the key, as a Redis that lost it or let it expire would.</summary>
    private async Task ForgetInRedisAsync(string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await stack.App.GetConnectionStringAsync("cache"))!);
        Assert.True(await redis.GetDatabase().KeyDeleteAsync("gate:idem:" + key), $"the gate had no record of {key} to forget");
    }

    private async Task<bool> KnownToRedisAsync(string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await stack.App.GetConnectionStringAsync("cache"))!);
        return await redis.GetDatabase().KeyExistsAsync("gate:idem:" + key);
    }

    private static Task<object> WaitForDoneAsync(HttpClient receiver, string deliveryId, string what) =>
        StackFixture.EventuallyAsync(async () =>
        {
            var status = await receiver.GetFromJsonAsync<JsonElement>($"/deliveries/github/{deliveryId}");
            return status.GetProperty("state").GetString() == "done" ? (object)status : null;
        }, what);
}
