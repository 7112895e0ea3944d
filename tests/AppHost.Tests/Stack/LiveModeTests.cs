using Microsoft.Extensions.DependencyInjection;

namespace Integrations.AppHost.Tests;

/// <summary>
/// <c>INTEGRATION_ENV=live</c> with only the providers a team uses: a GitHub webhook secret and a Slack
/// bot token. The stack starts, says which flows are off and why, refuses webhooks of the sources it
/// has no secret for, and runs a GitHub push to Slack. Live mode starts no sandbox, so the test starts
/// one itself as a stand-in for slack.com and points the worker's Slack client at it.
/// </summary>
public sealed class LiveModeTests : IDisposable
{
    private const string GitHubSecret = "live-github-webhook-secret-5f0a2c";
    private const string SlackBotToken = "xoxb-live-mode-test-bot-token-8d41";

    private readonly ThrowawayStack _stack = new("live");

    [Fact]
    public async Task LiveStartsWithOnlyGitHubAndSlackAndTurnsTheOtherFlowsOff()
    {
        await using var app = await _stack.StartAsync(
            [
                "INTEGRATION_ENV=live",
                $"GITHUB_WEBHOOK_SECRET={GitHubSecret}",
                $"SLACK_BOT_TOKEN={SlackBotToken}",
                $"Parameters:worker-admin-key={StackFixture.WorkerAdminKey}",
            ],
            builder =>
            {
                var sandboxProject = Path.GetFullPath(Path.Combine(Projects.AppHost.ProjectPath, "..", "services", "Sandbox", "Sandbox.csproj"));
                var slack = builder.AddProject("slack-standin", sandboxProject)
                    .WithEnvironment("SLACK_BOT_TOKEN", SlackBotToken)
                    .WithEnvironment("STRIPE_SECRET_KEY", StackFixture.StripeSecretKey) // required by the sandbox; this stack has no Stripe
                    .WithHttpHealthCheck("/health");
                builder.CreateResourceBuilder<ProjectResource>("worker")
                    .WithEnvironment("Providers__Slack__BaseUrl", ReferenceExpression.Create($"{slack.GetEndpoint("http")}/slack/api/"))
                    .WaitFor(slack);
            });

        Assert.DoesNotContain(app.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r.Name == "sandbox");

        // /health names the flows that are off and the variable each lacks; push summaries are on.
        using var worker = app.CreateHttpClient("worker");
        var health = await worker.GetFromJsonAsync<JsonElement>("/health");
        var flows = health.GetProperty("checks").GetProperty("flows");
        Assert.Equal("Healthy", flows.GetProperty("status").GetString());
        var data = flows.GetProperty("data");
        Assert.Equal("on", data.GetProperty("PushSummaryFlow").GetString());
        Assert.Equal("on", data.GetProperty("StripeCustomerFlow").GetString());
        Assert.Equal("off: GITHUB_TOKEN not set", data.GetProperty("ReleaseNotesFlow").GetString());
        Assert.Equal("off: GITHUB_TOKEN not set", data.GetProperty("SupportTriageFlow").GetString());
        Assert.Equal("off: STRIPE_SECRET_KEY not set", data.GetProperty("BillingFlow").GetString());

        // Sources without a signing secret are off and say which variable turns them on.
        using var receiver = app.CreateHttpClient("receiver");
        using (var stripe = await receiver.PostAsync("/webhooks/stripe", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.NotFound, stripe.StatusCode);
            Assert.Contains("STRIPE_WEBHOOK_SECRET", (await stripe.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // A signed push runs through to Slack (the stand-in).
        var deliveryId = Guid.NewGuid().ToString();
        var repository = $"acme/live-{deliveryId[..8]}";
        var body = GitHubDelivery.PushPayload(repository);
        using (var accepted = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, GitHubSecret))))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using var standIn = app.CreateHttpClient("slack-standin");
        await StackFixture.EventuallyAsync(async () =>
        {
            var messages = await standIn.GetFromJsonAsync<List<JsonElement>>("/_sandbox/effects?provider=slack&kind=message") ?? [];
            return messages.Any(m => m.GetProperty("text").GetString()!.Contains(repository, StringComparison.Ordinal)) ? (object)messages : null;
        }, "the push summary to reach Slack");
    }

    public void Dispose() => _stack.Dispose();
}
