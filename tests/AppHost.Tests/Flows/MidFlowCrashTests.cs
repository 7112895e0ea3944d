using System.Diagnostics;

namespace Integrations.AppHost.Tests;

/// <summary>
/// The dangerous window: Slack has posted the message but the worker dies before it learns so and
/// before it completes the idempotency key. A worker started afterwards reclaims the delivery and
/// the key, finds the message by the key in its metadata, and does not post it again, even when
/// the channel has moved on by more than one page of history meanwhile.
/// </summary>
public sealed class MidFlowCrashTests : IDisposable
{
    private const string Restarted = "worker-restarted";
    private const string SlackBotToken = "xoxb-midflow-test";
    private const int LaterMessages = 250;
    private readonly ThrowawayStack _stack = new("midflow");

    [Fact]
    public async Task AWorkerKilledAfterTheEffectAndRestartedCausesItOnce()
    {
        await using var app = await _stack.StartAsync(
            ["Infra:Mode=local", $"GITHUB_WEBHOOK_SECRET={StackFixture.GitHubWebhookSecret}", $"Parameters:audit-api-key={StackFixture.AuditApiKey}", $"Parameters:audit-chain-key={StackFixture.AuditChainKey}", $"SLACK_BOT_TOKEN={SlackBotToken}"],
            builder =>
            {
                // Short leases so the restarted worker may reclaim within the test; the same settings on both workers.
                var worker = builder.CreateResourceBuilder<ProjectResource>("worker")
                    .WithEnvironment("Queue__Lease", "00:00:05")
                    .WithEnvironment("Queue__EffectLease", "00:00:03");
                var restarted = builder.AddProject(Restarted, Path.Combine(builder.AppHostDirectory, "..", "services", "Worker", "Worker.csproj"))
                    .WithExplicitStart();
                foreach (var annotation in worker.Resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
                {
                    restarted.WithAnnotation(annotation);
                }
            },
            ["receiver", "worker", "sandbox"]);

        using var sandbox = app.CreateHttpClient("sandbox");
        // Slack acts at once but holds its answer for 60 s: the worker is killed while it waits.
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = "/slack/api/chat.postMessage", kind = "stall", latency = "00:01:00", count = 1 })).EnsureSuccessStatusCode();

        var deliveryId = Guid.NewGuid().ToString();
        var repository = $"acme/crash-{deliveryId[..8]}";
        var body = GitHubDelivery.PushPayload(repository);
        using (var receiver = app.CreateHttpClient("receiver"))
        {
            using var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret)));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await StackFixture.EventuallyAsync(async () => (await MessagesAboutAsync(sandbox, repository)).Count > 0 ? "posted" : null, "Slack to post the message");
        Assert.True(app.ResourceNotifications.TryGetCurrentState("worker", out var state));
        var pid = Convert.ToInt32(state!.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);
        Process.GetProcessById(pid).Kill(entireProcessTree: true);

        // A busy channel: more messages than one history page (200) arrive before the worker comes back.
        for (var i = 0; i < LaterMessages; i++)
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/slack/api/chat.postMessage")
            {
                Content = JsonContent.Create(new { channel = "#engineering", text = $"unrelated message {i}" }),
            };
            post.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SlackBotToken);
            using var posted = await sandbox.SendAsync(post);
            Assert.True((await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean());
        }

        await app.ResourceCommands.ExecuteCommandAsync(Restarted, KnownResourceCommands.StartCommand);
        var succeeded = await StackFixture.EventuallyAsync(async () =>
        {
            var rows = await StackFixture.GetAuditRowsAsync<JsonElement>(app, $"?idempotencyKey=github:{deliveryId}:send_message");
            return rows.Any(r => r.GetProperty("status").GetString() == "succeeded") ? rows : null;
        }, "the restarted worker to settle the message");

        Assert.Single(await MessagesAboutAsync(sandbox, repository));
        Assert.Single(succeeded, r => r.GetProperty("status").GetString() == "succeeded");
    }

    private static async Task<List<JsonElement>> MessagesAboutAsync(HttpClient sandbox, string repository) =>
        [.. (await sandbox.GetFromJsonAsync<List<JsonElement>>("/_sandbox/effects?provider=slack&kind=message") ?? [])
            .Where(m => m.GetProperty("text").GetString()!.Contains(repository, StringComparison.Ordinal))];

    public void Dispose() => _stack.Dispose();
}
