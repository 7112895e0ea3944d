namespace Integrations.AppHost.Tests;

/// <summary>
/// Support triage end to end: a Google connection authorised through the broker with the read-only
/// Drive scope, the sandbox's support export read as CSV, rows classified by the keyword rules,
/// one GitHub issue per engineering row, and no duplicates on a re-run.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SupportTriageFlowTests(StackFixture stack)
{
    private const string SupportFile = "1SupportExportSandbox2026";
    /// <summary>The sandbox's second export, with the same rows: queued runs file their own tickets.</summary>
    private const string HelpDeskFile = "1SupportHelpDeskSandbox2026";
    /// <summary>The account, file and repository the AppHost allow-lists for queued runs in sandbox mode.</summary>
    private const string HelpDeskAccount = Integrations.AppHost.ServiceWiringExtensions.SandboxHelpDeskAccount;
    private const string QueuedRepository = "acme/support-queued";

    [Fact]
    public async Task EngineeringRowsBecomeLabelledIssuesOnceEvenWhenRunTwice()
    {
        var connectionId = (await new BrokerFlow(stack).ConnectAsync(BrokerFlow.NewAccount(), BrokerFlow.DriveReadOnly)).GetProperty("id").GetGuid();
        var repository = $"acme/support-{Guid.NewGuid():N}"[..26];
        using var worker = stack.App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.WorkerAdminKey);
        var request = new { connectionId, fileId = SupportFile, repository, actor = "support-lead" };

        using var first = await worker.PostAsJsonAsync("/api/actions/triage-support", request);
        using var second = await worker.PostAsJsonAsync("/api/actions/triage-support", request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var rows = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("rowId").GetString()!, r => r.GetProperty("category").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["T-1001"] = "bug", ["T-1002"] = "billing", ["T-1003"] = "question", ["T-1004"] = "feature_request",
            ["T-1005"] = "bug", ["T-1006"] = "billing", ["T-1007"] = "bug", ["T-1008"] = "feature_request",
        }, rows);

        var rerun = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("skipped", rerun.GetProperty("status").GetString());
        Assert.All(rerun.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("issueUrl").ValueKind == JsonValueKind.String),
            r => Assert.True(r.GetProperty("alreadyFiled").GetBoolean()));

        var issues = await stack.GetJsonAsync<JsonElement>("sandbox", $"/_sandbox/github/issues/{repository}");
        Assert.Equal(["T-1001", "T-1004", "T-1005", "T-1007", "T-1008"],
            issues.Select(i => i.GetProperty("title").GetString()![^7..^1]).Order());
        var bulkEdit = Assert.Single(issues, i => i.GetProperty("title").GetString()!.Contains("T-1008", StringComparison.Ordinal));
        Assert.Equal("Bulk edit, \"someday\" [T-1008]", bulkEdit.GetProperty("title").GetString());
        Assert.Equal(["feature_request", "support"], bulkEdit.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Contains($"https://docs.google.com/spreadsheets/d/{SupportFile}/edit#gid=0&range=A9", bulkEdit.GetProperty("body").GetString(), StringComparison.Ordinal);

        var audited = await stack.AuditRowsAsync($"idempotencyKey=google:{SupportFile}.T-1001:create_ticket");
        Assert.Contains(audited, r => r.GetProperty("status").GetString() == "succeeded" && r.GetProperty("actor").GetString() == "support-lead");
        Assert.Contains(audited, r => r.GetProperty("status").GetString() == "skipped");
    }

    [Fact]
    public async Task AConnectionWithoutTheDriveScopeIsRefused()
    {
        var connectionId = (await new BrokerFlow(stack).ConnectAsync(BrokerFlow.NewAccount(), "https://www.googleapis.com/auth/drive.file")).GetProperty("id").GetGuid();
        using var worker = stack.App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.WorkerAdminKey);

        using var response = await worker.PostAsJsonAsync("/api/actions/triage-support",
            new { connectionId, fileId = SupportFile, repository = "acme/support-denied", actor = "support-lead" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Empty(await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/github/issues/acme/support-denied"));
    }

    [Fact]
    public async Task ASignedSupportExportDeliveryRunsTriageThroughTheQueue()
    {
        var connectionId = (await new BrokerFlow(stack).ConnectAsync(HelpDeskAccount, BrokerFlow.DriveReadOnly)).GetProperty("id").GetGuid();
        var deliveryId = $"msg_{Guid.NewGuid():N}";
        var body = SupportExportUpdated(new { connectionId, fileId = HelpDeskFile, repository = QueuedRepository });
        using var receiver = stack.App.CreateHttpClient("receiver");

        using var response = await receiver.SendAsync(Webhooks.Standard("support", deliveryId, body, StackFixture.SupportWebhookSecret));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var admin = stack.CreateReceiverAdminClient();
        await StackFixture.EventuallyAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>($"/deliveries/support/{deliveryId}")).GetProperty("state").GetString() == "done" ? "done" : null,
            "the queued triage run to finish");
        Assert.Contains(await stack.AuditRowsAsync($"idempotencyKey=google:{deliveryId}:read_support_sheet"),
            r => r.GetProperty("status").GetString() == "succeeded" && r.GetProperty("action").GetString() == "ReadSupportSheet");
        var tickets = (await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=github&kind=issue"))
            .Where(e => e.GetProperty("idempotencyKey").GetString() is { } key && key.StartsWith($"google:{HelpDeskFile}.", StringComparison.Ordinal))
            .GroupBy(e => e.GetProperty("idempotencyKey").GetString())
            .ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(
            new Dictionary<string, int>
            {
                [$"google:{HelpDeskFile}.T-1001:create_ticket"] = 1, [$"google:{HelpDeskFile}.T-1004:create_ticket"] = 1,
                [$"google:{HelpDeskFile}.T-1005:create_ticket"] = 1, [$"google:{HelpDeskFile}.T-1007:create_ticket"] = 1,
                [$"google:{HelpDeskFile}.T-1008:create_ticket"] = 1,
            },
            tickets);
    }

    [Fact]
    public async Task ASupportExportDeliveryWithoutAConnectionIsDeadLettered()
    {
        var deliveryId = $"msg_{Guid.NewGuid():N}";
        var body = SupportExportUpdated(new { fileId = SupportFile, repository = "acme/support-queued" });
        using var receiver = stack.App.CreateHttpClient("receiver");

        using var response = await receiver.SendAsync(Webhooks.Standard("support", deliveryId, body, StackFixture.SupportWebhookSecret));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var dead = await stack.WaitForDeadLetterAsync("support", deliveryId);
        Assert.Contains("connectionId", dead.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file", "Triage:AllowedFiles")]
    [InlineData("repository", "Triage:AllowedRepositories")]
    [InlineData("connection", "Triage:AllowedConnections")]
    public async Task ASupportExportDeliveryNamingAnythingNotAllowListedIsDeadLetteredBeforeAnyProviderCall(string outside, string listedIn)
    {
        var account = outside == "connection" ? BrokerFlow.NewAccount() : HelpDeskAccount;
        var connectionId = (await new BrokerFlow(stack).ConnectAsync(account, BrokerFlow.DriveReadOnly)).GetProperty("id").GetGuid();
        var fileId = outside == "file" ? $"1NotAllowed{Guid.NewGuid():N}" : HelpDeskFile;
        var repository = outside == "repository" ? $"acme/elsewhere-{Guid.NewGuid():N}"[..26] : QueuedRepository;
        var deliveryId = $"msg_{Guid.NewGuid():N}";
        var body = SupportExportUpdated(new { connectionId, fileId, repository });
        using var receiver = stack.App.CreateHttpClient("receiver");

        using var response = await receiver.SendAsync(Webhooks.Standard("support", deliveryId, body, StackFixture.SupportWebhookSecret));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var dead = await stack.WaitForDeadLetterAsync("support", deliveryId);
        Assert.Contains(listedIn, dead.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, dead.GetProperty("attempts").GetInt32());
        Assert.Empty(await stack.AuditRowsAsync($"idempotencyKey=google:{deliveryId}:read_support_sheet"));
        var driveCalls = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/calls?route=/google/drive");
        Assert.DoesNotContain(driveCalls, c => outside == "file" && c.GetProperty("path").GetString()!.Contains(fileId, StringComparison.Ordinal));
        Assert.Empty(outside == "repository" ? await stack.GetJsonAsync<JsonElement>("sandbox", $"/_sandbox/github/issues/{repository}") : []);
    }

    private static byte[] SupportExportUpdated(object data) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        type = "support.export.updated",
        timestamp = DateTimeOffset.UtcNow,
        data,
    });
}
