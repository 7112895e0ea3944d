using System.Security.Cryptography;
using StackExchange.Redis;

namespace Integrations.AppHost.Tests;

/// <summary>
/// <c>GET api/deliveries/{provider}/{id}/replay-preview</c> against recorded runs: the list is what the
/// replay would do, with the keys the run used, and the preview itself calls no provider and changes
/// no delivery, ledger entry, customer record or audit row. Each preview runs under a trace of the
/// test's own, so a provider call or audit row it caused would carry that trace.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ReplayPreviewTests(StackFixture stack)
{
    [Fact]
    public async Task PreviewOfACompletedCheckoutSkipsEveryStepWithTheKeysTheRunUsedAndChangesNothing()
    {
        var eventId = $"evt_test_{Guid.NewGuid():N}";
        const string Customer = "cus_SandboxJane01";
        var runTrace = await SendCheckoutAsync(Webhooks.StripeCheckoutCompleted(eventId, "cs_test_SandboxJanePro01", Customer, ("jane@example.com", "Pro", 4900, "usd")));
        await stack.WaitForAuditRowAsync($"stripe:{eventId}:send_message", "succeeded");
        await stack.WaitForDeliveryStateAsync("stripe", eventId, "done");
        var runKeys = (await stack.AuditRowsAsync($"traceId={runTrace}&limit=200"))
            .Select(r => r.GetProperty("idempotencyKey").GetString()).OfType<string>().Distinct().Order().ToList();
        var before = await SnapshotAsync("stripe", eventId, StripeKeys(eventId), Customer);
        Assert.Matches($"stripe:{eventId}:send_message=[^;]*state:completed", before.GateRecords);

        var previewTrace = RecordedRuns.NewTraceId();
        var preview = await stack.PreviewAsync("stripe", eventId, previewTrace);

        Assert.Equal(("BillingFlow", "checkout.session.completed", "done", true, null), (preview.Flow, preview.EventType, preview.State, preview.Complete, preview.StoppedBecause));
        Assert.Equal(["RecordPaymentEvent", "ActivateCustomer", "SendMessage"], preview.Effects.Select(e => e.Action));
        Assert.Equal(runKeys, preview.Effects.Select(e => e.IdempotencyKey).Order());
        Assert.All(preview.Effects, e => Assert.Equal((true, PlannedEffect.Skip), (e.Exists, e.WouldDo)));
        Assert.Equal(Customer, preview.Effects.Single(e => e.Action == "ActivateCustomer").Outcome);
        await AssertNothingCalledOrWrittenAsync(previewTrace, before, await SnapshotAsync("stripe", eventId, StripeKeys(eventId), Customer));
    }

    [Fact]
    public async Task PreviewOfACheckoutDeadLetteredByAStripeRefusalStopsAtTheEffectThatFailedForGood()
    {
        var eventId = $"evt_test_{Guid.NewGuid():N}";
        const string Customer = "cus_SandboxAkir04";
        using (var sandbox = stack.App.CreateHttpClient("sandbox"))
        {
            (await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = $"/stripe/v1/customers/{Customer}", kind = "status", status = 400 })).EnsureSuccessStatusCode();
            try
            {
                await SendCheckoutAsync(Webhooks.StripeCheckoutCompleted(eventId, "cs_test_SandboxAkiraPro04", Customer, ("akira@example.com", "Pro", 7000, "jpy")));
                await stack.WaitForDeadLetterAsync("stripe", eventId);
            }
            finally
            {
                await sandbox.DeleteAsync("/_sandbox/faults");
            }
        }

        var before = await SnapshotAsync("stripe", eventId, StripeKeys(eventId), Customer);
        var previewTrace = RecordedRuns.NewTraceId();
        var preview = await stack.PreviewAsync("stripe", eventId, previewTrace);

        Assert.Equal("dead", preview.State);
        Assert.Equal(
            [("RecordPaymentEvent", $"stripe:{eventId}:record_payment_event", true, PlannedEffect.Skip), ("ActivateCustomer", $"stripe:{eventId}:activate_customer", false, PlannedEffect.Fail)],
            preview.Effects.Select(e => (e.Action, e.IdempotencyKey, e.Exists, e.WouldDo)));
        // The replay itself would stop there: the ledger holds the permanent failure, and the notice is never reached.
        Assert.True(preview.Complete);
        Assert.Contains($"stripe:{eventId}:activate_customer", preview.StoppedBecause, StringComparison.Ordinal);
        await AssertNothingCalledOrWrittenAsync(previewTrace, before, await SnapshotAsync("stripe", eventId, StripeKeys(eventId), Customer));
    }

    [Fact]
    public async Task PreviewListsAnEffectNotDoneYetAsRunAndTheReplayThenUsesThatKey()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var repository = $"acme/preview-{deliveryId[..8]}";
        var key = $"github:{deliveryId}:send_message";
        // Another owner holds the effect's key (the worker's own fingerprint, so it is a lease, not a mismatch):
        // the worker defers the delivery, and the effect is not done.
        var gate = new GateClient(stack.CreateGateHttpClient());
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"SendMessage\n#engineering\noctocat pushed 2 commits to {repository}@main")));
        var held = await gate.BeginAsync(new BeginRequest(key, fingerprint, TimeSpan.FromMinutes(10)));
        Assert.Equal(IdempotencyStatus.New, held.Status);
        var body = GitHubDelivery.PushPayload(repository);
        using (var receiver = stack.CreateReceiverAdminClient())
        using (var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret))))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await StackFixture.EventuallyAsync(async () => await stack.ScalarAsync("integrationsdb",
            "SELECT count(*) FROM deliveries WHERE provider = 'github' AND delivery_id = $1 AND state = 'received' AND next_attempt_at > now() + interval '1 minute'", deliveryId) == 1 ? "" : null,
            "the worker to defer the delivery");
        var before = await SnapshotAsync("github", deliveryId, [key], customer: null);

        var previewTrace = RecordedRuns.NewTraceId();
        var preview = await stack.PreviewAsync("github", deliveryId, previewTrace);

        Assert.Equal(("PushSummaryFlow", true, null), (preview.Flow, preview.Complete, preview.StoppedBecause));
        var step = Assert.Single(preview.Effects);
        Assert.Equal((PlannedEffect.Effect, "SendMessage", "slack", "#engineering", key, false, PlannedEffect.Run), (step.Kind, step.Action, step.Provider, step.Target, step.IdempotencyKey, step.Exists, step.WouldDo));
        await AssertNothingCalledOrWrittenAsync(previewTrace, before, await SnapshotAsync("github", deliveryId, [key], customer: null));
        Assert.DoesNotContain(await SlackMessagesAsync(), m => m.Contains(repository, StringComparison.Ordinal));

        // Released, the replay does what the preview said: it sends the message, under that key.
        await gate.FailAsync(new FailRequest(key, held.LeaseToken!, Retryable: true, "released by the test"));
        using (var worker = stack.CreateWorkerAdminClient())
        using (var replay = await worker.PostAsync($"/api/deliveries/github/{deliveryId}/replay", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }

        await stack.WaitForAuditRowAsync(key, "succeeded");
        Assert.Single(await SlackMessagesAsync(), m => m.Contains(repository, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PreviewStopsIncompleteAtAReadWhoseResultTheFlowNeeds()
    {
        var eventId = $"evt_test_{Guid.NewGuid():N}";
        // A sparse event for a session Stripe does not know: the run dead-letters at the session look-up.
        await SendCheckoutAsync(Webhooks.StripeCheckoutCompleted(eventId, $"cs_test_Missing{Guid.NewGuid():N}", "cus_SandboxJane01", details: null));
        await stack.WaitForDeadLetterAsync("stripe", eventId);
        var before = await SnapshotAsync("stripe", eventId, StripeKeys(eventId), "cus_SandboxJane01");

        var previewTrace = RecordedRuns.NewTraceId();
        var preview = await stack.PreviewAsync("stripe", eventId, previewTrace);

        Assert.False(preview.Complete);
        var read = Assert.Single(preview.Effects);
        Assert.Equal((PlannedEffect.Read, "LookUpCheckout", $"stripe:{eventId}:look_up_checkout", false, PlannedEffect.Run), (read.Kind, read.Action, read.IdempotencyKey, read.Exists, read.WouldDo));
        Assert.Contains("LookUpCheckout", preview.StoppedBecause, StringComparison.Ordinal);
        await AssertNothingCalledOrWrittenAsync(previewTrace, before, await SnapshotAsync("stripe", eventId, StripeKeys(eventId), "cus_SandboxJane01"));
    }

    [Fact]
    public async Task PreviewOfAnUnknownDeliveryIsNotFound()
    {
        using var response = await stack.RequestPreviewAsync("github", Guid.NewGuid().ToString(), RecordedRuns.NewTraceId());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("No such delivery.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task PreviewNeedsTheWorkerAdminKey()
    {
        using var worker = stack.App.CreateHttpClient("worker");

        using var response = await worker.GetAsync($"/api/deliveries/github/{Guid.NewGuid()}/replay-preview");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<string> SendCheckoutAsync(byte[] body)
    {
        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(Webhooks.Stripe(body, StackFixture.StripeWebhookSecret));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString()!;
    }

    private async Task<List<string>> SlackMessagesAsync() =>
        [.. (await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message")).Select(m => m.GetProperty("text").GetString() ?? "")];

    /// <summary>
    /// Everything a replay would change for the delivery: its queue row, its ledger entries (attempts count
    /// every start), its customer record (<c>updated_at</c> moves on every upsert), the gate's records of its
    /// keys (a begin of a key not completed leases it), its audit rows, and every provider call the sandbox
    /// has answered so far.
    /// </summary>
    private async Task<Snapshot> SnapshotAsync(string provider, string deliveryId, string[] keys, string? customer)
    {
        await StackFixture.WaitForAuditOutboxAsync(stack.App);
        await using var connection = await stack.OpenDatabaseAsync("integrationsdb");
        async Task<string> TextAsync(string sql, params object[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = parameter });
            }

            return (await command.ExecuteScalarAsync()) as string ?? "";
        }

        var delivery = await TextAsync(
            "SELECT concat_ws('|', state, attempts, next_attempt_at, completed_at, last_error) FROM deliveries WHERE provider = $1 AND delivery_id = $2", provider, deliveryId);
        var ledger = await TextAsync(
            "SELECT string_agg(concat_ws('|', idempotency_key, fingerprint, attempts, completed_at, succeeded, outcome), ';' ORDER BY idempotency_key) FROM effects WHERE idempotency_key = ANY($1)", (object)keys);
        var record = customer is null ? "" : await TextAsync(
            "SELECT concat_ws('|', email, plan, amount, last_event_id, updated_at) FROM customers WHERE customer_id = $1", customer);
        var audit = (await stack.AuditRowsAsync($"target=delivery/{provider}/{deliveryId}&limit=200")).Count;
        foreach (var key in keys)
        {
            audit += (await stack.AuditRowsAsync($"idempotencyKey={Uri.EscapeDataString(key)}&limit=200")).Count;
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync((await stack.App.GetConnectionStringAsync("cache"))!);
        var gate = new List<string>();
        foreach (var key in keys)
        {
            var fields = await redis.GetDatabase().HashGetAllAsync($"gate:idem:{key}");
            gate.Add($"{key}={string.Join(',', fields.Select(f => $"{f.Name}:{f.Value}").Order(StringComparer.Ordinal))}");
        }

        var calls = 0;
        foreach (var route in new[] { "/slack", "/stripe", "/github", "/google" })
        {
            calls += (await stack.GetJsonAsync<JsonElement>("sandbox", $"/_sandbox/calls?route={route}")).Count;
        }

        return new Snapshot(delivery, ledger, record, string.Join(';', gate), audit, calls);
    }

    private async Task AssertNothingCalledOrWrittenAsync(string previewTrace, Snapshot before, Snapshot after)
    {
        Assert.NotEqual("", before.Delivery);
        Assert.Empty(await stack.GetJsonAsync<JsonElement>("sandbox", $"/_sandbox/calls?traceId={previewTrace}"));
        Assert.Empty(await stack.AuditRowsAsync($"traceId={previewTrace}"));
        Assert.Equal(before, after);
    }

    private static string[] StripeKeys(string eventId) =>
        [.. new[] { "look_up_checkout", "record_payment_event", "activate_customer", "send_message" }.Select(action => $"stripe:{eventId}:{action}")];

    private sealed record Snapshot(string Delivery, string Ledger, string CustomerRecord, string GateRecords, int AuditRows, int ProviderCalls);
}
