namespace Integrations.AppHost.Tests;

/// <summary>
/// The worker writes its audit rows to an outbox in its own database and ships them to the audit
/// service: effects do not wait for the audit service, no row is lost while it is down, and a row
/// shipped twice is one row in the audit store.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AuditOutboxTests(StackFixture stack)
{
    [Fact]
    public async Task WhileTheAuditServiceIsDownAnEffectHappensOnceAndItsRowsArriveWhenItIsBack()
    {
        var key = $"cli:{Guid.NewGuid():N}:send_message";
        var text = $"audit outage {key}";
        using var cts = new CancellationTokenSource(StackFixture.StartTimeout);
        var stopped = await stack.App.ResourceCommands.ExecuteCommandAsync("audit", KnownResourceCommands.StopCommand, cts.Token);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            using var worker = stack.CreatePlainWorkerAdminClient();
            using var sent = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "#ops", text, actor = "alice", idempotencyKey = key });

            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            Assert.Equal(2, await stack.ScalarAsync("integrationsdb",
                "SELECT count(*) FROM audit_outbox WHERE entry->>'idempotencyKey' = $1 AND entry->>'status' IN ('started', 'succeeded')", key));
        }
        finally
        {
            var started = await stack.App.ResourceCommands.ExecuteCommandAsync("audit", KnownResourceCommands.StartCommand, cts.Token);
            Assert.True(started.Success, started.Message);
            await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("audit", cts.Token);
        }

        await stack.WaitForAuditRowAsync(key, AuditStatus.Succeeded);
        var rows = await stack.GetAuditRowsAsync<JsonElement>($"?idempotencyKey={key}");
        Assert.Equal([AuditStatus.Started, AuditStatus.Succeeded], rows.Select(row => row.GetProperty("status").GetString()).Order());
        Assert.All(rows, row => Assert.Equal("alice", row.GetProperty("actor").GetString()));
        Assert.Equal(0, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM audit_outbox WHERE entry->>'idempotencyKey' = $1", key));
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, message => message.GetProperty("text").GetString() == text);
    }

    [Fact]
    public async Task AnOutboxRowShippedTwiceIsOneRowInTheAuditStore()
    {
        var key = $"tests-{Guid.NewGuid():N}";
        var entryId = Guid.NewGuid();
        var entry = JsonSerializer.Serialize(new AuditEntry("worker", "slack", "SendMessage", "#ops", key, AuditStatus.Succeeded), JsonSerializerOptions.Web);

        // Two copies under one entry id: what the outbox holds when a shipment reached the audit store but its deletion was lost.
        await stack.ScalarAsync("integrationsdb",
            "WITH added AS (INSERT INTO audit_outbox (entry_id, entry) VALUES ($1, $2::json), ($1, $2::json) RETURNING 1) SELECT count(*) FROM added", entryId, entry);

        await StackFixture.EventuallyAsync(async () =>
            await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM audit_outbox WHERE entry_id = $1", entryId) == 0 ? "" : null,
            "the outbox to ship both copies");
        Assert.Single(await stack.GetAuditRowsAsync<JsonElement>($"?idempotencyKey={key}"));
    }

    [Fact]
    public async Task ARowTheAuditServiceRefusesStaysInTheOutboxMarkedAndTheRestAreShipped()
    {
        var key = $"tests-{Guid.NewGuid():N}";
        var valid = JsonSerializer.Serialize(new AuditEntry("worker", "slack", "SendMessage", "#ops", key, AuditStatus.Succeeded), JsonSerializerOptions.Web);
        var invalid = JsonSerializer.Serialize(new AuditEntry("worker", "slack", "SendMessage", "#ops", key, "not-a-status"), JsonSerializerOptions.Web);

        await stack.ScalarAsync("integrationsdb",
            "WITH added AS (INSERT INTO audit_outbox (entry) VALUES ($1::json), ($2::json) RETURNING 1) SELECT count(*) FROM added", invalid, valid);

        await stack.WaitForAuditRowAsync(key, AuditStatus.Succeeded);
        await StackFixture.EventuallyAsync(async () =>
            await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM audit_outbox WHERE entry->>'idempotencyKey' = $1 AND refused IS NOT NULL", key) == 1 ? "" : null,
            "the invalid row to be marked refused");
        Assert.Equal(1, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM audit_outbox WHERE entry->>'idempotencyKey' = $1", key));
        Assert.Single(await stack.GetAuditRowsAsync<JsonElement>($"?idempotencyKey={key}"));
    }

    /// <summary>
    /// The shipper reads on from the highest id it shipped. An id is taken at insert and a row can
    /// commit after a higher one was shipped: such a row must still go, by the shipper's periodic
    /// read from the start of the table.
    /// </summary>
    [Fact]
    public async Task ARowCommittedBelowAnIdAlreadyShippedIsStillShipped()
    {
        var first = $"tests-{Guid.NewGuid():N}";
        var late = $"tests-{Guid.NewGuid():N}";
        string Entry(string key) => JsonSerializer.Serialize(new AuditEntry("worker", "slack", "SendMessage", "#ops", key, AuditStatus.Succeeded), JsonSerializerOptions.Web);

        var firstId = await stack.ScalarAsync("integrationsdb", "INSERT INTO audit_outbox (entry) VALUES ($1::json) RETURNING id", Entry(first));
        await stack.WaitForAuditRowAsync(first, AuditStatus.Succeeded);
        await StackFixture.EventuallyAsync(async () =>
            await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM audit_outbox WHERE id = $1", firstId) == 0 ? "" : null,
            "the first row to leave the outbox");

        // The shipped row's id, free again: below the highest id shipped, as a late commit's would be.
        await stack.ScalarAsync("integrationsdb",
            "WITH added AS (INSERT INTO audit_outbox (id, entry) OVERRIDING SYSTEM VALUE VALUES ($1, $2::json) RETURNING 1) SELECT count(*) FROM added", firstId, Entry(late));

        await stack.WaitForAuditRowAsync(late, AuditStatus.Succeeded);
        Assert.Equal(0, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM audit_outbox WHERE id = $1", firstId));
    }
}
