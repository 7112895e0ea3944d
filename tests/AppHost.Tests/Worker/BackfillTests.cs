namespace Integrations.AppHost.Tests;

/// <summary>
/// Gap recovery end to end: a delivery the provider recorded as sent but the receiver never got (the
/// sandbox's <c>drop</c>) is recovered by a backfill run, stored once, marked recovered in its state and
/// its audit row, and its flow's effect happens once; a second run recovers nothing, and the same delivery
/// arriving live afterwards is a duplicate. The flow's own audit rows share the recovery's trace: the run
/// that recovered a delivery is the parent of the trace its flow runs in. Each run looks back
/// only to its test's start; a gap an earlier test left in the same second may be recovered with it, so
/// the runs' lists are checked to contain the test's own gaps, and the store to hold each once.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class BackfillTests(StackFixture stack)
{
    [Fact]
    public async Task ADroppedStripeEventIsRecoveredOnceAndItsFlowRunsOnce()
    {
        var since = DateTimeOffset.UtcNow;
        var eventId = Assert.Single(await stack.DropAsync(new { provider = "stripe", type = "checkout.session.completed", session = "cs_test_SandboxMeiStarter03", drop = true }));
        Assert.Equal(0, await stack.StoredCountAsync("stripe", eventId));

        var first = await stack.BackfillAsync("stripe", since);

        Assert.Equal(["stripe", "stored"], new[] { first.Source, first.Method });
        Assert.Contains(eventId, first.Recovered);
        var status = await stack.WaitUntilDoneAsync("stripe", eventId);
        Assert.True(status.GetProperty("recovered").GetBoolean());
        Assert.Equal(1, await stack.StoredCountAsync("stripe", eventId));
        await stack.WaitForAuditRowAsync($"stripe:{eventId}:send_message", "succeeded");

        var second = await stack.BackfillAsync("stripe", since);

        Assert.Empty(second.Recovered);
        Assert.True(second.Found >= 1, "The second run still sees the event at Stripe.");
        Assert.Equal(1, await stack.StoredCountAsync("stripe", eventId));
        var live = await stack.SendAsync(new { provider = "stripe", resend = eventId });
        Assert.Equal(200, live.GetProperty("status").GetInt32());
        Assert.True(live.GetProperty("response").GetProperty("duplicate").GetBoolean(), "The event arriving live after its recovery is a duplicate.");
        Assert.Equal(1, await stack.StoredCountAsync("stripe", eventId));
        var activations = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=stripe&kind=customer_updated");
        Assert.Single(activations, e => e.GetProperty("idempotencyKey").GetString() == $"stripe:{eventId}:activate_customer");
        var recoveredRows = await stack.AuditRowsAsync($"action=BackfillDelivery&target=delivery/stripe/{eventId}");
        var row = Assert.Single(recoveredRows);
        Assert.Equal("tests", row.GetProperty("actor").GetString());
        Assert.Equal("succeeded", row.GetProperty("status").GetString());
        Assert.True(row.GetProperty("details").GetProperty("recovered").GetBoolean());
        var notice = Assert.Single(await stack.AuditRowsAsync($"idempotencyKey=stripe:{eventId}:send_message&status=succeeded"));
        Assert.NotNull(row.GetProperty("traceId").GetString());
        Assert.Equal(row.GetProperty("traceId").GetString(), notice.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task ADroppedGitHubDeliveryIsRedeliveredOnceAndItsFlowRunsOnce()
    {
        var since = DateTimeOffset.UtcNow;
        var guid = Assert.Single(await stack.DropAsync(new { provider = "github", type = "push", payload = new { repository = new { full_name = "acme/backfill" } }, drop = true }));
        Assert.Equal(0, await stack.StoredCountAsync("github", guid));

        var first = await stack.BackfillAsync("github", since);

        Assert.Equal(["github", "redelivery"], new[] { first.Source, first.Method });
        Assert.Contains(guid, first.Recovered);
        var status = await stack.WaitUntilDoneAsync("github", guid);
        Assert.True(status.GetProperty("recovered").GetBoolean());
        await stack.WaitForAuditRowAsync($"github:{guid}:send_message", "succeeded");

        var second = await stack.BackfillAsync("github", since);

        Assert.Empty(second.Recovered);
        var live = await stack.SendAsync(new { provider = "github", resend = guid });
        Assert.True(live.GetProperty("response").GetProperty("duplicate").GetBoolean(), "The delivery arriving again after its recovery is a duplicate.");
        Assert.Equal(1, await stack.StoredCountAsync("github", guid));
        var notice = Assert.Single(await stack.AuditRowsAsync($"idempotencyKey=github:{guid}:send_message&status=succeeded"));
        var row = Assert.Single(await stack.AuditRowsAsync($"action=BackfillDelivery&target=delivery/github/{guid}"));
        Assert.Equal("redelivery", row.GetProperty("details").GetProperty("method").GetString());
        Assert.NotNull(row.GetProperty("traceId").GetString());
        Assert.Equal(row.GetProperty("traceId").GetString(), notice.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task ABackfillReadsEveryPageOfStripesEventList()
    {
        var since = DateTimeOffset.UtcNow;
        var dropped = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            dropped.AddRange(await stack.DropAsync(new { provider = "stripe", type = "invoice.paid", payload = new { id = $"in_backfill_{i}" }, drop = true }));
        }

        var result = await stack.BackfillAsync("stripe", since);

        Assert.Subset(result.Recovered.ToHashSet(), dropped.ToHashSet());
        foreach (var id in dropped)
        {
            Assert.Equal(1, await stack.StoredCountAsync("stripe", id));
        }
    }

    [Fact]
    public async Task ABackfillReadsEveryPageOfTheGitHubHooksDeliveries()
    {
        var since = DateTimeOffset.UtcNow;
        var dropped = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            dropped.AddRange(await stack.DropAsync(new { provider = "github", type = "ping", drop = true }));
        }

        var result = await stack.BackfillAsync("github", since);

        Assert.Subset(result.Recovered.ToHashSet(), dropped.ToHashSet());
        foreach (var id in dropped)
        {
            await StackFixture.EventuallyAsync(async () => await stack.StoredCountAsync("github", id) == 1 ? "" : null, $"github/{id} to be stored");
        }
    }

    [Fact]
    public async Task ABackfillTheProviderRefusesAnswers502IsAuditedFailedWithoutTheKeyAndDegradesHealthUntilTheNextRun()
    {
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = "/stripe/v1/events", kind = "status", status = 401, count = 1 })).EnsureSuccessStatusCode();
        string body;
        HttpStatusCode status;
        try
        {
            using var worker = stack.CreatePlainWorkerAdminClient();
            worker.DefaultRequestHeaders.Add("X-Actor", "tests-refused");
            using var response = await worker.PostAsync($"/api/backfill/stripe?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}", null);
            (status, body) = (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await sandbox.DeleteAsync("/_sandbox/faults");
        }

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("GET /v1/events answered 401", body, StringComparison.Ordinal);
        Assert.DoesNotContain(StackFixture.StripeSecretKey[8..], body, StringComparison.Ordinal);
        var run = Assert.Single(await stack.AuditRowsAsync("action=Backfill&target=backfill/stripe&status=failed&actor=tests-refused"));
        Assert.Contains("401", run.GetProperty("details").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(StackFixture.StripeSecretKey[8..], run.ToString(), StringComparison.Ordinal);
        Assert.Equal("Degraded", (await BackfillHealthAsync()).GetProperty("status").GetString());

        await stack.BackfillAsync("stripe", DateTimeOffset.UtcNow);

        var healed = await BackfillHealthAsync();
        Assert.Equal("Healthy", healed.GetProperty("status").GetString());
        Assert.StartsWith("succeeded at ", healed.GetProperty("data").GetProperty("stripe").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> BackfillHealthAsync()
    {
        using var worker = stack.App.CreateHttpClient("worker");
        using var response = await worker.GetAsync("/health");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("backfill");
    }
}
