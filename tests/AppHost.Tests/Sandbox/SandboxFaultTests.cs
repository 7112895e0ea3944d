namespace Integrations.AppHost.Tests;

/// <summary>
/// The sandbox fails like the real providers when told to, and the worker's retries cope: a
/// Slack outage still ends in exactly one message, and a 429's Retry-After is waited out.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SandboxFaultTests(StackFixture stack)
{
    private const string PostMessage = "/slack/api/chat.postMessage";

    [Fact]
    public async Task ThreeServiceUnavailableAnswersThenSuccessGiveOneMessage()
    {
        var (repository, calls) = await PushThroughFaultAsync(new { route = PostMessage, kind = "status", status = 503, count = 3 });

        Assert.Equal([503, 503, 503, 200], calls.Select(c => c.GetProperty("status").GetInt32()));
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString()!.Contains(repository, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RetryAfterOfTwoSecondsIsWaitedOutBeforeTheNextAttempt()
    {
        var (_, calls) = await PushThroughFaultAsync(new { route = PostMessage, kind = "status", status = 429, retryAfter = "00:00:02", count = 1 });

        Assert.Equal([429, 200], calls.Select(c => c.GetProperty("status").GetInt32()));
        var gap = calls[1].GetProperty("at").GetDateTimeOffset() - calls[0].GetProperty("at").GetDateTimeOffset();
        Assert.True(gap >= TimeSpan.FromSeconds(2), $"The retry came {gap.TotalMilliseconds} ms after the 429.");
    }

    [Fact]
    public async Task ABadRequestFromTheProviderIsDeadLetteredAndNotRetried()
    {
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = PostMessage, kind = "status", status = 400, count = 1 })).EnsureSuccessStatusCode();
        try
        {
            var deliveryId = Guid.NewGuid().ToString();
            var body = GitHubDelivery.PushPayload($"acme/bad-{deliveryId[..8]}");
            using var receiver = stack.App.CreateHttpClient("receiver");
            using var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret)));
            var traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString();

            var dead = await stack.WaitForDeadLetterAsync("github", deliveryId);

            Assert.Equal(1, dead.GetProperty("attempts").GetInt32());
            var calls = await stack.GetJsonAsync<JsonElement>("sandbox", $"/_sandbox/calls?route={PostMessage}&traceId={traceId}");
            Assert.Equal([400], calls.Select(c => c.GetProperty("status").GetInt32()));
        }
        finally
        {
            await sandbox.DeleteAsync("/_sandbox/faults");
        }
    }

    [Fact]
    public async Task GitHubsSpentWindowPausesTheSharedBudgetUntilItsReset()
    {
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        // GitHub's answer once the window is spent: 403, X-RateLimit-Remaining: 0, reset in 3 s.
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = "/github/repos/acme/widgets/tags", kind = "status", status = 403, retryAfter = "00:00:03", count = 1 })).EnsureSuccessStatusCode();
        try
        {
            // A plain client: the fixture's clients retry 429s themselves, which would hide the answer.
            using var worker = new HttpClient { BaseAddress = stack.App.GetEndpoint("worker", "http") };
            worker.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.WorkerAdminKey);
            var request = new { repository = "acme/widgets", channel = "#limits", actor = "tests", idempotencyKey = $"github:{Guid.NewGuid():N}:send_message" };

            using var limited = await worker.PostAsJsonAsync("/api/actions/release-notes", request);

            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.NotNull(limited.Headers.RetryAfter);
            using var gate = stack.CreateGateHttpClient();
            // Another worker asking the gate now is told to wait: the pause is shared.
            using var decision = await gate.PostAsJsonAsync("/api/ratelimits/decisions", new { provider = "github", connection = "app" });
            var paused = await decision.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(paused.GetProperty("allowed").GetBoolean());

            await Task.Delay(TimeSpan.FromSeconds(3.5));
            using var retried = await worker.PostAsJsonAsync("/api/actions/release-notes", request);
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }
        finally
        {
            await sandbox.DeleteAsync("/_sandbox/faults");
        }
    }

    [Fact]
    public async Task FaultRulesAreValidated()
    {
        using var sandbox = stack.App.CreateHttpClient("sandbox");

        using var response = await sandbox.PostAsJsonAsync("/_sandbox/faults", new { route = "slack", kind = "explode" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("route", out _));
    }

    private async Task<(string Repository, List<JsonElement> Calls)> PushThroughFaultAsync(object rule)
    {
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        (await sandbox.PostAsJsonAsync("/_sandbox/faults", rule)).EnsureSuccessStatusCode();
        try
        {
            var deliveryId = Guid.NewGuid().ToString();
            var repository = $"acme/faults-{deliveryId[..8]}";
            var body = GitHubDelivery.PushPayload(repository);
            using var receiver = stack.App.CreateHttpClient("receiver");
            using var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret)));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString();

            await StackFixture.EventuallyAsync(
                async () => (await stack.GetAuditRowsAsync<JsonElement>($"?idempotencyKey=github:{deliveryId}:send_message"))
                    .Where(r => r.GetProperty("status").GetString() == "succeeded").Select(r => (object)r).FirstOrDefault(),
                "the message to be sent");

            // The calls this delivery caused: the sandbox records the trace each call belongs to.
            var calls = await stack.GetJsonAsync<JsonElement>("sandbox", $"/_sandbox/calls?route={PostMessage}&traceId={traceId}");
            return (repository, calls);
        }
        finally
        {
            await sandbox.DeleteAsync("/_sandbox/faults");
        }
    }
}
