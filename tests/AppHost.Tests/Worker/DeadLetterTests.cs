namespace Integrations.AppHost.Tests;

[Collection(StackCollection.Name)]
public sealed class DeadLetterTests(StackFixture stack)
{
    [Fact]
    public async Task PermanentFailureIsDeadLetteredListedAndRedrivenWithoutRetryStorms()
    {
        var deliveryId = Guid.NewGuid().ToString();
        // A push with no repository cannot be summarised: a permanent failure, never retried by itself.
        var body = Encoding.UTF8.GetBytes("""{"ref":"refs/heads/main","pusher":{"name":"x"}}""");
        using var receiver = stack.CreateReceiverAdminClient();
        using (var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret))))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var dead = await stack.WaitForDeadLetterAsync("github", deliveryId);
        Assert.Equal(1, dead.GetProperty("attempts").GetInt32());
        Assert.Contains("PermanentFlowException", dead.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        using var worker = stack.App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.WorkerAdminKey);
        var operatorName = $"dlq-{Guid.NewGuid():N}"[..20];
        worker.DefaultRequestHeaders.Add("X-Actor", operatorName);

        const string FailedAt = "SELECT (extract(epoch FROM next_attempt_at) * 1000000)::bigint FROM deliveries WHERE provider = 'github' AND delivery_id = $1";
        var firstFailure = await stack.ScalarAsync("integrationsdb", FailedAt, deliveryId);

        using var redrive = await worker.PostAsync("/api/dead-letters/redrive?provider=github", null);
        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        var requeued = (await redrive.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requeued").GetInt32();
        Assert.True(requeued >= 1);
        // The redrive is audited: who, and how many it requeued.
        var redriven = Assert.Single(await stack.GetAuditRowsAsync<JsonElement>($"?actor={operatorName}"));
        Assert.Equal("RedriveDeadLetters", redriven.GetProperty("action").GetString());
        Assert.Equal("dead-letters/github", redriven.GetProperty("target").GetString());
        Assert.Equal(requeued, redriven.GetProperty("details").GetProperty("requeued").GetInt32());

        // Redriven, it is tried once more (a later failure), fails the same way and is dead again.
        await StackFixture.EventuallyAsync(async () =>
        {
            var status = await receiver.GetFromJsonAsync<JsonElement>($"/deliveries/github/{deliveryId}");
            var failedAgain = await stack.ScalarAsync("integrationsdb", FailedAt, deliveryId) > firstFailure;
            return failedAgain && status.GetProperty("state").GetString() == "dead" ? (object)status : null;
        }, "the redriven delivery to be tried and dead again");
        var final = await receiver.GetFromJsonAsync<JsonElement>($"/deliveries/github/{deliveryId}");
        Assert.Equal(1, final.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task ReplayRunsTheFlowAgainWithoutRepeatingTheEffect()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var repository = $"acme/replay-{deliveryId[..8]}";
        var body = GitHubDelivery.PushPayload(repository);
        var key = $"github:{deliveryId}:send_message";
        using var receiver = stack.CreateReceiverAdminClient();
        using (var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret))))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await stack.WaitForAuditRowAsync(key, "succeeded");
        await StackFixture.EventuallyAsync(async () =>
        {
            var status = await receiver.GetFromJsonAsync<JsonElement>($"/deliveries/github/{deliveryId}");
            return status.GetProperty("state").GetString() == "done" ? (object)status : null;
        }, "the delivery to be done");

        using var worker = stack.App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.WorkerAdminKey);
        var operatorName = $"replay-{Guid.NewGuid():N}"[..20];
        worker.DefaultRequestHeaders.Add("X-Actor", operatorName);
        using var replay = await worker.PostAsync($"/api/deliveries/github/{deliveryId}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        // The replay is audited: who, and which delivery.
        var replayed = Assert.Single(await stack.GetAuditRowsAsync<JsonElement>($"?actor={operatorName}"));
        Assert.Equal(("ReplayDelivery", $"delivery/github/{deliveryId}"), (replayed.GetProperty("action").GetString(), replayed.GetProperty("target").GetString()));

        await stack.WaitForAuditRowAsync(key, "skipped");
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString()!.Contains(repository, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplayOfAnUnknownDeliveryIsNotFound()
    {
        using var worker = stack.App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.WorkerAdminKey);

        using var response = await worker.PostAsync($"/api/deliveries/github/{Guid.NewGuid()}/replay", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task QueueApiRefusesCallersWithoutTheAdminKey()
    {
        using var worker = stack.App.CreateHttpClient("worker");

        using var list = await worker.GetAsync("/api/dead-letters");
        using var redrive = await worker.PostAsync("/api/dead-letters/redrive", null);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, redrive.StatusCode);
    }
}
