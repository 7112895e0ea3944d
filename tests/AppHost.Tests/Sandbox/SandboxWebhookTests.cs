namespace Integrations.AppHost.Tests;

/// <summary>
/// The sandbox plays the providers' webhook senders: what it signs, the real receiver accepts, and a
/// Stripe checkout scenario with duplicates and an out-of-order pair still has each effect once.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SandboxWebhookTests(StackFixture stack)
{
    [Fact]
    public async Task CheckoutScenarioWithDuplicatesHasEachEffectOnceAndKeepsTheNewestCustomerState()
    {
        using var sandbox = stack.App.CreateHttpClient("sandbox");

        using var response = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", new { provider = "stripe", scenario = "checkout_completed", duplicates = 2 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
        Assert.Equal(9, sent.Count);
        var events = sent.Chunk(3).ToList();
        Assert.All(events, copies =>
        {
            Assert.Single(copies.Select(c => c.GetProperty("deliveryId").GetString()).Distinct());
            Assert.Equal([202, 200, 200], copies.Select(c => c.GetProperty("status").GetInt32()));
            Assert.All(copies.Skip(1), c => Assert.True(c.GetProperty("response").GetProperty("duplicate").GetBoolean()));
        });
        Assert.Equal(["checkout.session.completed", "customer.updated", "customer.updated"], events.Select(e => e[0].GetProperty("eventType").GetString()));
        var checkoutId = events[0][0].GetProperty("deliveryId").GetString()!;
        var (newerId, olderId) = (events[1][0].GetProperty("deliveryId").GetString()!, events[2][0].GetProperty("deliveryId").GetString()!);
        Assert.True(events[1][0].GetProperty("payload").GetProperty("created").GetInt64() > events[2][0].GetProperty("payload").GetProperty("created").GetInt64(),
            "The pair is sent newest first.");

        await StackFixture.EventuallyAsync(
            async () => (await stack.AuditRowsAsync($"idempotencyKey=stripe:{checkoutId}:send_message"))
                .Where(r => r.GetProperty("status").GetString() == "succeeded").Select(r => (object)r).FirstOrDefault(),
            "the new-customer notice");
        var activations = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=stripe&kind=customer_updated");
        Assert.Single(activations, e => e.GetProperty("idempotencyKey").GetString() == $"stripe:{checkoutId}:activate_customer");
        var notices = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(notices, m => m.GetProperty("text").GetString() == "New customer jane@example.com on Pro: 49.00 USD");

        using var receiver = stack.CreateReceiverAdminClient();
        foreach (var id in new[] { checkoutId, newerId, olderId })
        {
            await StackFixture.EventuallyAsync(async () =>
            {
                var status = await receiver.GetFromJsonAsync<JsonElement>($"/deliveries/stripe/{id}");
                return status.GetProperty("state").GetString() == "done" ? (object)status : null;
            }, $"delivery {id} to be done");
        }

        await using var connection = await stack.OpenDatabaseAsync("integrationsdb");
        await using var command = new Npgsql.NpgsqlCommand("SELECT email, last_event_id, plan, amount, currency FROM customers WHERE customer_id = 'cus_SandboxJane01'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("jane+newer@example.com", reader.GetString(0));
        Assert.Equal(newerId, reader.GetString(1));
        // Whatever order the three were processed in, the checkout's plan and amount are kept:
        // customer.updated never carries them, and a late, older event still fills empty fields.
        Assert.Equal(("Pro", 4900L, "usd"), (reader.GetString(2), reader.GetInt64(3), reader.GetString(4)));
    }

    [Theory]
    [InlineData("github")]
    [InlineData("slack")]
    public async Task SignedWebhooksAreAcceptedAndTheirDuplicatesRecognised(string provider)
    {
        using var sandbox = stack.App.CreateHttpClient("sandbox");

        using var response = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", new { provider, duplicates = 1 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
        Assert.Equal([202, 200], sent.Select(s => s.GetProperty("status").GetInt32()));
        Assert.Single(sent.Select(s => s.GetProperty("deliveryId").GetString()).Distinct());
        var deliveryId = sent[0].GetProperty("deliveryId").GetString();
        Assert.Equal(deliveryId, sent[0].GetProperty("response").GetProperty("deliveryId").GetString());

        using var receiver = stack.CreateReceiverAdminClient();
        // Processed before the test ends, so a push's Slack summary cannot meet a later test's Slack faults.
        await StackFixture.EventuallyAsync(async () =>
        {
            var status = await receiver.GetFromJsonAsync<JsonElement>($"/deliveries/{provider}/{deliveryId}");
            return status.GetProperty("state").GetString() == "done" ? (object)status : null;
        }, $"delivery {deliveryId} to be done");
    }

    [Theory]
    [InlineData("github", "form", 202)]
    [InlineData("slack", "slash_command", 200)]
    [InlineData("slack", "interaction", 200)]
    public async Task TheSandboxSendsTheFormFormatsAndTheReceiverStoresEachOnceAsItsJson(string provider, string format, int firstStatus)
    {
        using var sandbox = stack.App.CreateHttpClient("sandbox");

        using var response = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", new { provider, format, duplicates = 1 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
        Assert.Equal([firstStatus, 200], sent.Select(s => s.GetProperty("status").GetInt32()));
        var deliveryId = Assert.Single(sent.Select(s => s.GetProperty("deliveryId").GetString()).Distinct())!;
        using var receiver = stack.CreateReceiverAdminClient();
        await StackFixture.EventuallyAsync(async () =>
            (await receiver.GetFromJsonAsync<JsonElement>($"/deliveries/{provider}/{Uri.EscapeDataString(deliveryId)}")).GetProperty("state").GetString() == "done" ? "done" : null,
            $"delivery {deliveryId} to be done");
        await using var connection = await stack.OpenDatabaseAsync("integrationsdb");
        await using var read = new Npgsql.NpgsqlCommand("SELECT body FROM deliveries WHERE provider = $1 AND delivery_id = $2", connection)
        {
            Parameters = { new() { Value = provider }, new() { Value = deliveryId } },
        };
        using var stored = JsonDocument.Parse((byte[])(await read.ExecuteScalarAsync())!);
        Assert.True(JsonElement.DeepEquals(sent[0].GetProperty("payload"), stored.RootElement), $"stored {stored.RootElement.GetRawText()}");
    }

    [Fact]
    public async Task TheSandboxSendsAsTheHelpDeskSourceAndTheTriageRunItStartsReadsTheExport()
    {
        var connectionId = (await new BrokerFlow(stack).ConnectAsync(ServiceWiringExtensions.SandboxHelpDeskAccount, BrokerFlow.DriveReadOnly)).GetProperty("id").GetGuid();
        using var sandbox = stack.App.CreateHttpClient("sandbox");

        // What README shows a user of ./run.sh: support is the sandbox's default source, nothing is declared for it.
        using var response = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", new { provider = "support", payload = new { connectionId } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single((await response.Content.ReadFromJsonAsync<List<JsonElement>>())!);
        Assert.Equal(202, sent.GetProperty("status").GetInt32());
        Assert.Equal("support.export.updated", sent.GetProperty("eventType").GetString());
        var deliveryId = sent.GetProperty("deliveryId").GetString()!;
        using var receiver = stack.CreateReceiverAdminClient();
        await StackFixture.EventuallyAsync(async () =>
            (await receiver.GetFromJsonAsync<JsonElement>($"/deliveries/support/{deliveryId}")).GetProperty("state").GetString() == "done" ? "done" : null,
            "the queued triage run to finish");
        Assert.Contains(await stack.AuditRowsAsync($"idempotencyKey=google:{deliveryId}:read_support_sheet"),
            r => r.GetProperty("status").GetString() == "succeeded" && r.GetProperty("action").GetString() == "ReadSupportSheet");
    }

    [Fact]
    public async Task SenderRefusesUnknownProvidersScenariosAndSessions()
    {
        using var sandbox = stack.App.CreateHttpClient("sandbox");

        using var unknown = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", new { provider = "bitbucket" });
        using var badScenario = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", new { provider = "github", scenario = "checkout_completed", order = "sideways" });
        using var badSession = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", new { provider = "stripe", session = "cs_test_nope" });
        using var publicKeyOnly = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", new { provider = "acme-signed" });
        using var badFormat = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", new { provider = "stripe", format = "form" });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("provider", out _));
        var errors = (await badScenario.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("scenario", out _));
        Assert.True(errors.TryGetProperty("order", out _));
        Assert.True((await badSession.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("session", out _));
        Assert.True((await badFormat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("format", out _));
        // acme-signed verifies with a whpk_ public key: the sandbox holds no key to sign as it.
        Assert.Equal(HttpStatusCode.BadRequest, publicKeyOnly.StatusCode);
        Assert.Contains("whpk_", (await publicKeyOnly.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("provider")[0].GetString(), StringComparison.Ordinal);
    }
}
