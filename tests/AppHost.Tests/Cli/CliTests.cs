namespace Integrations.AppHost.Tests;

/// <summary>The <c>integrations</c> CLI against the real stack: results, JSON output, and exit codes for failures.</summary>
[Collection(StackCollection.Name)]
public sealed class CliTests(StackFixture stack)
{
    [Fact]
    public async Task NotifySlackPostsTheMessageOnceAndAuditsTheActor()
    {
        var key = $"slack:{Guid.NewGuid():N}:send_message";
        var text = $"release shipped {key}";
        string[] args = ["notify", "slack", "--channel", "#releases", "--text", text, "--idempotency-key", key, "--actor", "cli-test", "--json"];

        var first = await CliRun.InvokeAsync(stack, args);
        var again = await CliRun.InvokeAsync(stack, args);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal("succeeded", JsonDocument.Parse(first.Output).RootElement.GetProperty("status").GetString());
        Assert.Equal("skipped", JsonDocument.Parse(again.Output).RootElement.GetProperty("status").GetString());
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString() == text);

        // The worker's rows reach the audit store through its outbox, a moment after the answer.
        await StackFixture.WaitForAuditOutboxAsync(stack.App);
        var audit = await CliRun.InvokeAsync(stack, ["audit", "query", "--idempotency-key", key, "--json"]);
        Assert.Equal(0, audit.ExitCode);
        var rows = JsonDocument.Parse(audit.Output).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("status").GetString() == "succeeded");
        Assert.All(rows, r => Assert.Equal("cli-test", r.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task ReplayDryRunPrintsEachEffectWithItsKeyAndReplaysNothing()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var key = $"github:{deliveryId}:send_message";
        await stack.PushUntilDoneAsync(deliveryId, $"acme/dry-run-{deliveryId[..8]}");

        var table = await CliRun.InvokeAsync(stack, ["deliveries", "replay", "github", deliveryId, "--dry-run"]);
        var json = await CliRun.InvokeAsync(stack, ["deliveries", "replay", "github", deliveryId, "--dry-run", "--json"]);

        Assert.Equal((0, 0), (table.ExitCode, json.ExitCode));
        var lines = table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("ACTION", StringComparison.Ordinal) && l.Contains("IDEMPOTENCY KEY", StringComparison.Ordinal) && l.EndsWith("WOULD", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).SequenceEqual(["SendMessage", "slack", key, "yes", "skip"]));
        var preview = JsonSerializer.Deserialize<Integrations.Worker.Client.ReplayPreview>(json.Output, JsonSerializerOptions.Web)!;
        var step = Assert.Single(preview.Effects);
        Assert.Equal((key, true, "skip", true), (step.IdempotencyKey, step.Exists, step.WouldDo, preview.Complete));
        // A replay would have audited the key 'skipped' and the replay itself; a dry run did neither.
        Assert.DoesNotContain(await stack.AuditRowsAsync($"idempotencyKey={key}"), r => r.GetProperty("status").GetString() == "skipped");
        Assert.Empty(await stack.AuditRowsAsync($"target=delivery/github/{deliveryId}"));
    }

    [Fact]
    public async Task ReplayDryRunOfAnUnknownDeliveryExitsNotFound()
    {
        var run = await CliRun.InvokeAsync(stack, ["deliveries", "replay", "github", Guid.NewGuid().ToString(), "--dry-run"]);

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("No such delivery.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditQueryPagesBackwardsThroughOlderRowsToTheLastPage()
    {
        var target = $"paging-{Guid.NewGuid():N}";
        await stack.WriteRowsAsync("cli-test", target, 7);

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            string[] args = ["audit", "query", "--target", target, "--limit", "3", "--json", .. cursor is null ? Array.Empty<string>() : ["--before", cursor]];
            var run = await CliRun.InvokeAsync(stack, args);
            Assert.Equal(0, run.ExitCode);
            var page = JsonDocument.Parse(run.Output).RootElement;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").ToString();
            Assert.True(++pages <= 3, "paging did not reach the last page");
        }
        while (cursor is not null);

        Assert.Equal(7, seen.Count);
        Assert.Equal(seen.OrderByDescending(id => id), seen);
        Assert.Equal(7, seen.Distinct().Count());
    }

    [Fact]
    public async Task AuditTailFollowPrintsEveryNewRowEvenWhenMoreThanAPageArriveBetweenPolls()
    {
        var target = $"tail-{Guid.NewGuid():N}";
        await stack.WriteRowsAsync("cli-test", target, 1);
        using var written = new StringWriter();
        // Written by the CLI while the test reads it: the synchronized writer locks itself for each write.
        var output = TextWriter.Synchronized(written);
        using var error = new StringWriter();
        var variables = CliRun.StackEnvironment(stack);
        var console = new Integrations.Cli.CliConsole
        {
            Output = output,
            Error = error,
            Input = new StringReader(""),
            Environment = name => variables.GetValueOrDefault(name),
            CurrentDirectory = Path.GetTempPath(),
        };
        using var stop = new CancellationTokenSource();
        var tail = Integrations.Cli.IntegrationsCli.InvokeAsync(
            ["audit", "tail", "--target", target, "-n", "1", "--follow", "--interval", "00:00:03", "--json"], console, stop.Token);

        string Printed()
        {
            lock (output)
            {
                return written.ToString();
            }
        }

        // The newest row first, so that every row written below is new to the tail.
        await StackFixture.EventuallyAsync(() => Task.FromResult(Printed().Contains('\n', StringComparison.Ordinal) ? "" : null), "the tail's first row");

        // 1,205 rows in two requests, well within one poll interval: more than the 1,000 one page holds.
        using var http = stack.CreateAuditClient();
        var ids = new List<long>();
        foreach (var count in new[] { 1000, 205 })
        {
            ids.AddRange(await AuditStoreTests.WriteBatchAsync(http, [.. Enumerable.Range(0, count).Select(i =>
                new Integrations.Audit.Client.AuditEntry("cli-test", "slack", "SendMessage", target, $"{target}:{ids.Count + i}", "succeeded"))]));
        }

        await Task.Delay(TimeSpan.FromSeconds(8));
        await stop.CancelAsync();
        await tail.WaitAsync(StackFixture.StepTimeout);

        var printed = Printed().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(1 + ids.Count, printed.Count);
        Assert.Equal(ids, printed.Skip(1));
    }

    [Fact]
    public async Task TicketCreateOpensTheIssueOnceAndPrintsItsUrl()
    {
        var key = $"github:{Guid.NewGuid():N}:create_ticket";
        var title = $"Flaky deploy {key}";
        string[] args = ["ticket", "create", "--repository", "acme/widgets", "--title", title, "--body", "Seen twice today.", "--label", "bug", "--idempotency-key", key, "--json"];

        var first = await CliRun.InvokeAsync(stack, args);
        var again = await CliRun.InvokeAsync(stack, args);

        Assert.Equal(0, first.ExitCode);
        var result = JsonDocument.Parse(first.Output).RootElement;
        Assert.Equal("succeeded", result.GetProperty("status").GetString());
        Assert.Contains("/issues/", result.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        Assert.Equal("skipped", JsonDocument.Parse(again.Output).RootElement.GetProperty("status").GetString());
        var issues = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=github&kind=issue");
        Assert.Single(issues, i => i.GetProperty("text").GetString() == title);
    }

    [Fact]
    public async Task DeadLetterListIsJsonForScripts()
    {
        var run = await CliRun.InvokeAsync(stack, ["dlq", "list", "--provider", "github", "--json"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(run.Output).RootElement.ValueKind);
    }

    [Fact]
    public async Task DeliveriesListAndShowAStoredDeliveryAndUnknownOnesExitNotFound()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var body = GitHubDelivery.PushPayload($"acme/cli-{deliveryId[..8]}");
        using (var receiver = stack.App.CreateHttpClient("receiver"))
        using (var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret), eventType: "ping")))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var list = await CliRun.InvokeAsync(stack, ["deliveries", "list", "github", "--limit", "500", "--json"]);
        var show = await CliRun.InvokeAsync(stack, ["deliveries", "show", "github", deliveryId]);
        var missing = await CliRun.InvokeAsync(stack, ["deliveries", "show", "github", Guid.NewGuid().ToString()]);

        Assert.Equal(0, list.ExitCode);
        Assert.Contains(JsonDocument.Parse(list.Output).RootElement.EnumerateArray(), d => d.GetProperty("deliveryId").GetString() == deliveryId);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains($"github/{deliveryId}", show.Output, StringComparison.Ordinal);
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("Unknown delivery.", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliveriesBackfillPrintsWhatItRecoveredAndShowMarksItRecovered()
    {
        var since = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var eventId = Assert.Single(await stack.DropAsync(new { provider = "stripe", type = "invoice.finalized", drop = true }));

        var backfill = await CliRun.InvokeAsync(stack, ["deliveries", "backfill", "stripe", "--since", since]);
        var show = await CliRun.InvokeAsync(stack, ["deliveries", "show", "stripe", eventId]);
        var again = await CliRun.InvokeAsync(stack, ["deliveries", "backfill", "stripe", "--since", since, "--json"]);
        var unknown = await CliRun.InvokeAsync(stack, ["deliveries", "backfill", "nosuch"]);

        Assert.Equal(0, backfill.ExitCode);
        Assert.Contains($"recovered  stripe/{eventId}", backfill.Output, StringComparison.Ordinal);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("recovered  yes", show.Output, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.DoesNotContain(JsonDocument.Parse(again.Output).RootElement.GetProperty("recovered").EnumerateArray(), id => id.GetString() == eventId);
        Assert.Equal(4, unknown.ExitCode);
    }

    [Fact]
    public async Task AWrongKeyExitsUnauthorizedWithAClearMessageAndNoStackTrace()
    {
        var run = await CliRun.InvokeAsync(stack, ["dlq", "list"], environment: new Dictionary<string, string?> { ["INTEGRATIONS_WORKER_KEY"] = "wrong" });
        var receiver = await CliRun.InvokeAsync(stack, ["deliveries", "list", "github"], environment: new Dictionary<string, string?> { ["INTEGRATIONS_RECEIVER_KEY"] = null });

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("The worker answered 401: the API key was refused. Set INTEGRATIONS_WORKER_KEY", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", run.Error, StringComparison.Ordinal);
        Assert.Equal(3, receiver.ExitCode);
    }

    [Fact]
    public async Task InvalidInputExitsWithUsageAndTheServiceValidationErrors()
    {
        var parse = await CliRun.InvokeAsync(stack, ["notify", "slack", "--channel", "#ops"]);
        var refused = await CliRun.InvokeAsync(stack, ["notify", "slack", "--channel", "#ops", "--text", "hi", "--idempotency-key", "Not A Key"]);

        Assert.Equal(2, parse.ExitCode);
        Assert.Contains("--text", parse.Error, StringComparison.Ordinal);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("idempotencyKey: idempotencyKey must look like provider:event_id:action", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionsListShowsConnectionsWithoutTokens()
    {
        var account = BrokerFlow.NewAccount();
        var id = (await new BrokerFlow(stack).ConnectAsync(account)).GetProperty("id").GetString();
        var state = await stack.App.CreateHttpClient("sandbox").GetFromJsonAsync<JsonElement>($"/_sandbox/oauth/accounts/{Uri.EscapeDataString(account)}");
        var tokens = state.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToList();

        var run = await CliRun.InvokeAsync(stack, ["connections", "list", "--json"]);

        Assert.Equal(0, run.ExitCode);
        var listed = JsonDocument.Parse(run.Output).RootElement.EnumerateArray().ToList();
        var connection = Assert.Single(listed, c => c.GetProperty("id").GetString() == id);
        Assert.False(connection.TryGetProperty("accessToken", out _));
        Assert.False(connection.TryGetProperty("refreshToken", out _));
        Assert.NotEmpty(tokens);
        Assert.All(tokens, token => Assert.DoesNotContain(token, run.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectionsAuthorizePrintsTheProvidersConsentUrl()
    {
        var run = await CliRun.InvokeAsync(stack, ["connections", "authorize", "google", "--account", "ops@example.com"]);

        Assert.Equal(0, run.ExitCode);
        var consent = new Uri(run.Output.Trim());
        Assert.Contains("code_challenge_method=S256", consent.Query, StringComparison.Ordinal);
        Assert.Contains("login_hint=ops@example.com", Uri.UnescapeDataString(consent.Query), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretsRotateAddsASecretTheReceiverAcceptsAndRetiresTheOldOnes()
    {
        var piped = $"piped-{Guid.NewGuid():N}";

        var fromStdin = await CliRun.InvokeAsync(stack, ["secrets", "rotate", "--source", "github", "--stdin", "--actor", "cli-rotator"], input: piped + "\n");
        Assert.Equal(0, fromStdin.ExitCode);
        Assert.DoesNotContain(piped, fromStdin.Output + fromStdin.Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, await SendPingAsync(piped));

        var generated = await CliRun.InvokeAsync(stack, ["secrets", "rotate", "--source", "github", "--show", "--retire-old", "--actor", "cli-rotator", "--json"]);
        Assert.Equal(0, generated.ExitCode);
        var result = JsonDocument.Parse(generated.Output).RootElement;
        var secret = result.GetProperty("secret").GetString()!;
        Assert.Equal(64, secret.Length);
        Assert.Equal(HttpStatusCode.Accepted, await SendPingAsync(secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendPingAsync(piped));
        Assert.Equal(HttpStatusCode.Accepted, await SendPingAsync(StackFixture.GitHubWebhookSecret));

        using var receiver = stack.CreateReceiverAdminClient();
        using var cleanup = await receiver.DeleteAsync($"/admin/sources/github/secrets/{result.GetProperty("added").GetInt64()}?actor=cli-rotator");
        Assert.Equal(HttpStatusCode.NoContent, cleanup.StatusCode);
    }

    [Fact]
    public async Task AGeneratedSecretThatWouldNotBeShownIsRefused()
    {
        var run = await CliRun.InvokeAsync(stack, ["secrets", "rotate", "--source", "github"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--show", run.Error, StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> SendPingAsync(string secret)
    {
        var deliveryId = Guid.NewGuid().ToString();
        var body = GitHubDelivery.PushPayload($"acme/cli-rotate-{deliveryId[..8]}");
        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, secret), eventType: "ping"));
        return response.StatusCode;
    }
}
