namespace Integrations.AppHost.Tests;

/// <summary>
/// The worker's on-demand actions (used by the CLI and the MCP server) go through the same guarded
/// connectors as the flows: one effect per idempotency key, audited with the caller as actor.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ActionsApiTests(StackFixture stack)
{
    [Fact]
    public async Task SendMessageActionPostsOnceAndAuditsTheCaller()
    {
        var key = $"cli:{Guid.NewGuid():N}:send_message";
        var text = $"deploy finished {key}";
        using var worker = stack.CreateWorkerAdminClient();

        using var first = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "#ops", text, actor = "alice", idempotencyKey = key });
        using var second = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "#ops", text, actor = "alice", idempotencyKey = key });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstResult = await first.Content.ReadFromJsonAsync<JsonElement>();
        var secondResult = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("succeeded", firstResult.GetProperty("status").GetString());
        Assert.Equal("skipped", secondResult.GetProperty("status").GetString());
        Assert.Equal(firstResult.GetProperty("outcome").GetString(), secondResult.GetProperty("outcome").GetString());

        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString() == text);
        var rows = await stack.AuditRowsAsync($"idempotencyKey={key}");
        Assert.All(rows, r => Assert.Equal("alice", r.GetProperty("actor").GetString()));
        Assert.Equal(["skipped", "started", "succeeded"], rows.Select(r => r.GetProperty("status").GetString()).Order());
    }

    [Fact]
    public async Task AProviderThatNeverAnswersIsAGatewayTimeoutAndARetryWithTheKeyFindsTheEffect()
    {
        var key = $"cli:{Guid.NewGuid():N}:send_message";
        var text = $"maintenance window {key}";
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        // Slack posts the message at once but holds its answer past the worker's 10 s attempt timeout.
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = "/slack/api/chat.postMessage", kind = "stall", latency = "00:00:30", count = 1 })).EnsureSuccessStatusCode();
        using var worker = stack.CreatePlainWorkerAdminClient();

        using var first = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "#ops", text, actor = "alice", idempotencyKey = key });
        using var retry = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "#ops", text, actor = "alice", idempotencyKey = key });

        Assert.Equal(HttpStatusCode.GatewayTimeout, first.StatusCode);
        Assert.Contains("same idempotency key", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("succeeded", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString() == text);
    }

    [Fact]
    public async Task AMessageSlackPostedBeforeAnswering502IsNotPostedAgain()
    {
        var key = $"cli:{Guid.NewGuid():N}:send_message";
        var text = $"rollback done {key}";
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        // Slack posts the message, then its front end answers 502.
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = "/slack/api/chat.postMessage", kind = "acted", status = 502, count = 1 })).EnsureSuccessStatusCode();
        using var worker = stack.CreatePlainWorkerAdminClient();

        using var first = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "#ops", text, actor = "alice", idempotencyKey = key });
        using var retry = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "#ops", text, actor = "alice", idempotencyKey = key });

        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString() == text);
        Assert.NotEqual(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("succeeded", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnIssueGitHubOpenedBeforeAnswering500IsNotOpenedAgain()
    {
        var repository = $"acme/acted-{Guid.NewGuid():N}";
        var key = $"cli:{Guid.NewGuid():N}:create_ticket";
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = $"/github/repos/{repository}/issues", kind = "acted", status = 500, count = 1 })).EnsureSuccessStatusCode();
        using var worker = stack.CreatePlainWorkerAdminClient();
        object ticket = new { repository, title = "Webhook backlog", body = "since 09:00", labels = new[] { "support" }, actor = "alice", idempotencyKey = key };

        using var first = await worker.PostAsJsonAsync("/api/actions/create-ticket", ticket);
        using var retry = await worker.PostAsJsonAsync("/api/actions/create-ticket", ticket);

        var issues = await sandbox.GetFromJsonAsync<List<JsonElement>>($"/_sandbox/github/issues/{repository}");
        Assert.Single(issues!, i => i.GetProperty("title").GetString() == "Webhook backlog");
        Assert.NotEqual(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("succeeded", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ARetriedTicketIsFoundBehindMoreThanOnePageOfNewerIssues()
    {
        var repository = $"acme/recovery-{Guid.NewGuid():N}";
        string[] labels = ["support", "recovery"];
        var key = $"cli:{Guid.NewGuid():N}:create_ticket";
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        // GitHub opens the issue at once but holds its answer past the worker's 10 s attempt timeout.
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = $"/github/repos/{repository}/issues", kind = "stall", latency = "00:00:30", count = 1 })).EnsureSuccessStatusCode();
        using var worker = stack.CreatePlainWorkerAdminClient();

        using var first = await worker.PostAsJsonAsync("/api/actions/create-ticket", new { repository, title = "Export fails", body = "row 7", labels, actor = "alice", idempotencyKey = key });
        Assert.Equal(HttpStatusCode.GatewayTimeout, first.StatusCode);

        // More newer issues with the same labels than one page of 100 holds.
        for (var i = 0; i < 120; i++)
        {
            using var other = await worker.PostAsJsonAsync("/api/actions/create-ticket", new { repository, title = $"Other {i}", labels, actor = "alice" });
            other.EnsureSuccessStatusCode();
        }

        using var retry = await worker.PostAsJsonAsync("/api/actions/create-ticket", new { repository, title = "Export fails", body = "row 7", labels, actor = "alice", idempotencyKey = key });

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("succeeded", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var issues = await sandbox.GetFromJsonAsync<List<JsonElement>>($"/_sandbox/github/issues/{repository}");
        Assert.Single(issues!, i => i.GetProperty("title").GetString() == "Export fails");
    }

    [Fact]
    public async Task ActionsValidateTheirInput()
    {
        using var worker = stack.CreateWorkerAdminClient();

        using var response = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "", text = "hi", actor = "bob", idempotencyKey = "Not A Key" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("channel", out _));
        Assert.True(errors.TryGetProperty("idempotencyKey", out _));
    }

    [Fact]
    public async Task ActionsRequireTheAdminKey()
    {
        using var worker = stack.App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", "wrong");

        using var response = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "#ops", text = "hi", actor = "mallory" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
