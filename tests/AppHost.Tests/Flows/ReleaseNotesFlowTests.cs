namespace Integrations.AppHost.Tests;

/// <summary>
/// Release notes end to end: a signed GitHub <c>release</c> event → compare against the previous
/// tag in the sandbox's seeded repository → notes grouped by conventional-commit type → one Slack
/// message, every step audited with the delivery's trace id.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ReleaseNotesFlowTests(StackFixture stack)
{
    [Fact]
    public async Task PublishedReleasePostsNotesSinceThePreviousTagOnce()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            action = "published",
            release = new { tag_name = "v1.1.0", name = "v1.1.0" },
            repository = new { full_name = "acme/widgets" },
            sender = new { login = "grace" },
        });
        using var receiver = stack.App.CreateHttpClient("receiver");

        using var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret), "release"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString();
        var sent = await StackFixture.EventuallyAsync(
            async () => (await stack.AuditRowsAsync($"idempotencyKey=github:{deliveryId}:send_message"))
                .Where(r => r.GetProperty("status").GetString() == "succeeded").Select(r => (object)r).FirstOrDefault(),
            "the release notes to be posted");

        var messages = (await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message"))
            .Where(m => m.GetProperty("traceId").GetString() == traceId).ToList();
        var notes = Assert.Single(messages).GetProperty("text").GetString()!;
        Assert.StartsWith("*acme/widgets v1.1.0* (5 commits since v1.0.0)", notes, StringComparison.Ordinal);
        Assert.Contains("*Features*\n• list widgets (api) — @grace\n• widget colours — @ada", notes, StringComparison.Ordinal);
        Assert.Contains("*Fixes*\n• paging skipped the last page (api) — @linus", notes, StringComparison.Ordinal);
        Assert.Contains("*Other*\n• bump dependencies — @grace\n• split widget store — @linus", notes, StringComparison.Ordinal);
        Assert.EndsWith("Authors: @ada, @grace, @linus", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("CSV export", notes, StringComparison.Ordinal);

        var read = Assert.Single(await stack.AuditRowsAsync($"idempotencyKey=github:{deliveryId}:list_unreleased_commits"));
        Assert.Equal("ListUnreleasedCommits", read.GetProperty("action").GetString());
        Assert.Equal(traceId, read.GetProperty("traceId").GetString());
        Assert.Equal(traceId, ((JsonElement)sent).GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task NotesOnDemandListWhatMainHasThatNoReleaseHas()
    {
        var channel = $"#rel-{Guid.NewGuid():N}"[..20];
        using var worker = stack.App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.WorkerAdminKey);

        using var response = await worker.PostAsJsonAsync("/api/actions/release-notes", new { repository = "acme/widgets", channel, actor = "release-manager" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        var notes = result.GetProperty("details").GetString()!;
        Assert.StartsWith("*acme/widgets main* (4 commits since v1.1.0)", notes, StringComparison.Ordinal);
        Assert.Contains("• BREAKING: drop the v0 widget endpoint — @linus", notes, StringComparison.Ordinal);
        Assert.Contains("• CSV export of widgets (export) — @grace", notes, StringComparison.Ordinal);
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        var key = result.GetProperty("idempotencyKey").GetString();
        Assert.Equal(notes, Assert.Single(messages, m => m.GetProperty("idempotencyKey").GetString() == key).GetProperty("text").GetString());
    }

    [Fact]
    public async Task UnknownRepositoryIsRefusedWithoutPosting()
    {
        using var worker = stack.App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.WorkerAdminKey);

        using var response = await worker.PostAsJsonAsync("/api/actions/release-notes", new { repository = "acme/nope", actor = "release-manager" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("GitHub refused ListUnreleasedCommits (404)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
