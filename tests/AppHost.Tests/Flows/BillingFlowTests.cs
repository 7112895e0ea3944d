namespace Integrations.AppHost.Tests;

/// <summary>
/// Stripe <c>checkout.session.completed</c> through the real stack: the customer is recorded,
/// activated at Stripe (the sandbox) with the gate's key as Stripe's <c>Idempotency-Key</c>, and
/// announced in Slack, each exactly once, however often the event arrives or a call fails.
/// Each test uses its own seeded customer, so their effects never mix.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class BillingFlowTests(StackFixture stack)
{
    [Fact]
    public async Task CompletedCheckoutIsRecordedActivatedAndAnnouncedOnceInOneTrace()
    {
        var eventId = NewEventId();
        // A sparse event: plan, amount and email are read back from the session at Stripe.
        var body = Webhooks.StripeCheckoutCompleted(eventId, "cs_test_SandboxOmarTeam02", "cus_SandboxOmar02", details: null);
        using var receiver = stack.App.CreateHttpClient("receiver");
        string traceId;
        using (var response = await receiver.SendAsync(Webhooks.Stripe(body, StackFixture.StripeWebhookSecret)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString()!;
        }

        using (var duplicate = await receiver.SendAsync(Webhooks.Stripe(body, StackFixture.StripeWebhookSecret)))
        {
            Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        }

        await SucceededAsync($"stripe:{eventId}:send_message");

        foreach (var action in new[] { "record_payment_event", "activate_customer", "send_message" })
        {
            var rows = await stack.AuditRowsAsync($"idempotencyKey=stripe:{eventId}:{action}");
            var succeeded = Assert.Single(rows, r => r.GetProperty("status").GetString() == "succeeded");
            Assert.Equal(traceId, succeeded.GetProperty("traceId").GetString());
        }

        await using var connection = await stack.OpenDatabaseAsync("integrationsdb");
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT email, plan, amount, currency, livemode, last_event_id FROM customers WHERE customer_id = 'cus_SandboxOmar02'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("omar@example.com", reader.GetString(0));
        Assert.Equal("Team", reader.GetString(1));
        Assert.Equal(19900, reader.GetInt64(2));
        Assert.Equal("eur", reader.GetString(3));
        Assert.False(reader.GetBoolean(4));
        Assert.Equal(eventId, reader.GetString(5));

        var activations = await StripeEffectsAsync(eventId);
        var activation = Assert.Single(activations);
        Assert.Equal("cus_SandboxOmar02", activation.GetProperty("target").GetString());
        Assert.Contains("metadata[plan]=Team", activation.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains($"metadata[activated_by_event]={eventId}", activation.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(traceId, activation.GetProperty("traceId").GetString());
        var notices = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(notices, m => m.GetProperty("text").GetString() == "New customer omar@example.com on Team: 199.00 EUR");
    }

    [Fact]
    public async Task StripeOutageIsRetriedWithTheSameIdempotencyKeyAndActivatesOnce()
    {
        const string Customer = "/stripe/v1/customers/cus_SandboxMeiL03";
        var eventId = NewEventId();
        var key = $"stripe:{eventId}:activate_customer";
        var calls = await WithFaultAsync(new { route = Customer, kind = "status", status = 503, count = 2 }, async () =>
        {
            var traceId = await SendAsync(Webhooks.StripeCheckoutCompleted(eventId, "cs_test_SandboxMeiStarter03", "cus_SandboxMeiL03", ("mei@example.com", "Starter", 900, "gbp")));
            await SucceededAsync(key);
            // The notice follows; waiting for it keeps it from meeting a later test's Slack faults.
            await SucceededAsync($"stripe:{eventId}:send_message");
            return await stack.GetJsonAsync<JsonElement>("sandbox", $"/_sandbox/calls?route={Customer}&traceId={traceId}");
        });

        Assert.Equal([503, 503, 200], calls.Select(c => c.GetProperty("status").GetInt32()));
        Assert.All(calls, c => Assert.Equal(key, c.GetProperty("idempotencyKey").GetString()));
        Assert.Single(await StripeEffectsAsync(eventId));
    }

    [Fact]
    public async Task StripeRateLimitPausesAndRetriesTheDeliveryWithTheSameKey()
    {
        const string Customer = "/stripe/v1/customers/cus_SandboxLena05";
        var eventId = NewEventId();
        var key = $"stripe:{eventId}:activate_customer";
        // Four 429s outlast one call's HTTP retries, so the delivery itself fails and is retried.
        var calls = await WithFaultAsync(new { route = Customer, kind = "status", status = 429, retryAfter = "00:00:01", count = 4 }, async () =>
        {
            var traceId = await SendAsync(Webhooks.StripeCheckoutCompleted(eventId, "cs_test_SandboxLenaTeam05", "cus_SandboxLena05", ("lena@example.com", "Team", 19900, "eur")));
            await SucceededAsync(key);
            await SucceededAsync($"stripe:{eventId}:send_message");
            return await stack.GetJsonAsync<JsonElement>("sandbox", $"/_sandbox/calls?route={Customer}&traceId={traceId}");
        });

        Assert.Equal([429, 429, 429, 429, 200], calls.Select(c => c.GetProperty("status").GetInt32()));
        Assert.All(calls, c => Assert.Equal(key, c.GetProperty("idempotencyKey").GetString()));
        Assert.Single(await StripeEffectsAsync(eventId));
        var rows = await stack.AuditRowsAsync($"idempotencyKey={key}");
        Assert.Contains(rows, r => r.GetProperty("status").GetString() == "failed");
    }

    [Fact]
    public async Task StripeRefusalDeadLettersTheDeliveryWithoutRetrying()
    {
        const string Customer = "/stripe/v1/customers/cus_SandboxAkir04";
        var eventId = NewEventId();
        var (dead, calls) = await WithFaultAsync(new { route = Customer, kind = "status", status = 400 }, async () =>
        {
            var traceId = await SendAsync(Webhooks.StripeCheckoutCompleted(eventId, "cs_test_SandboxAkiraPro04", "cus_SandboxAkir04", ("akira@example.com", "Pro", 7000, "jpy")));
            var dead = await stack.WaitForDeadLetterAsync("stripe", eventId);
            return (dead, await stack.GetJsonAsync<JsonElement>("sandbox", $"/_sandbox/calls?route={Customer}&traceId={traceId}"));
        });

        Assert.Equal(1, dead.GetProperty("attempts").GetInt32());
        Assert.Contains("PermanentFlowException", dead.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal([400], calls.Select(c => c.GetProperty("status").GetInt32()));
        Assert.Empty(await StripeEffectsAsync(eventId));
        var rows = await stack.AuditRowsAsync($"idempotencyKey=stripe:{eventId}:activate_customer");
        Assert.Contains(rows, r => r.GetProperty("status").GetString() == "failed");
        Assert.Empty(await stack.AuditRowsAsync($"idempotencyKey=stripe:{eventId}:send_message"));
    }

    private async Task<string> SendAsync(byte[] body)
    {
        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(Webhooks.Stripe(body, StackFixture.StripeWebhookSecret));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString()!;
    }

    private async Task<T> WithFaultAsync<T>(object rule, Func<Task<T>> run)
    {
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", rule)).EnsureSuccessStatusCode();
        try
        {
            return await run();
        }
        finally
        {
            await sandbox.DeleteAsync("/_sandbox/faults");
        }
    }

    private Task<object> SucceededAsync(string key) =>
        StackFixture.EventuallyAsync(
            async () => (await stack.AuditRowsAsync($"idempotencyKey={key}"))
                .Where(r => r.GetProperty("status").GetString() == "succeeded").Select(r => (object)r).FirstOrDefault(),
            $"an audit row 'succeeded' for {key}");

    private async Task<List<JsonElement>> StripeEffectsAsync(string eventId) =>
        [.. (await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=stripe&kind=customer_updated"))
            .Where(e => e.GetProperty("idempotencyKey").GetString() == $"stripe:{eventId}:activate_customer")];

    private static string NewEventId() => $"evt_test_{Guid.NewGuid():N}";
}
