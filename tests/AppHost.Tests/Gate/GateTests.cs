using System.Net.Http.Headers;
using StackExchange.Redis;

namespace Integrations.AppHost.Tests;

/// <summary>The gate through the real AppHost: idempotency leases, shared rate budgets, replicas and the API key.</summary>
[Collection(StackCollection.Name)]
public sealed class GateTests(StackFixture stack)
{
    [Fact]
    public async Task FiftyConcurrentBeginsWithOneKeyGrantExactlyOneLease()
    {
        var key = NewKey();
        using var http = stack.CreateGateHttpClient();
        var gate = new GateClient(http);

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => Task.Run(() => gate.BeginAsync(new BeginRequest(key, "fp-1")))));

        Assert.Single(results, r => r.Status == IdempotencyStatus.New);
        Assert.Equal(49, results.Count(r => r.Status == IdempotencyStatus.InProgress));
    }

    [Fact]
    public async Task ABatchOfBeginsAnswersEachKeyAsABeginAloneWouldAndDecidesTheBudgetOfEachGrant()
    {
        using var http = stack.CreateGateHttpClient();
        var gate = new GateClient(http);
        var (fresh, held, done, reused) = (NewKey(), NewKey(), NewKey(), NewKey());
        var holder = await gate.BeginAsync(new BeginRequest(held, "fp-1"));
        var finished = await gate.BeginAsync(new BeginRequest(done, "fp-1"));
        await gate.CompleteAsync(new CompleteRequest(done, finished.LeaseToken!, "message 7 sent"));
        await gate.BeginAsync(new BeginRequest(reused, "fp-1"));
        var budget = new RateLimitRequest("github", $"batch-{Guid.NewGuid():N}");

        var answers = await gate.BeginManyAsync(
        [
            new BeginRequest(fresh, "fp-1", Budget: budget),
            new BeginRequest(held, "fp-1", Budget: budget),
            new BeginRequest(done, "fp-1", Budget: budget),
            new BeginRequest(reused, "fp-2", Budget: budget),
        ]);

        Assert.Equal([IdempotencyStatus.New, IdempotencyStatus.InProgress, IdempotencyStatus.Completed, IdempotencyStatus.Mismatch], answers.Select(a => a.Status));
        Assert.NotNull(answers[0].LeaseToken);
        Assert.True(answers[0].Budget?.Allowed);
        Assert.Equal(holder.LeaseExpiresAt, answers[1].LeaseExpiresAt);
        Assert.Equal("message 7 sent", answers[2].Outcome);
        // Only the grant spent the budget: one call of it is gone, not four.
        Assert.All(answers.Skip(1), a => Assert.Null(a.Budget));
        var next = await gate.DecideAsync(budget);
        Assert.Equal(answers[0].Budget!.Remaining - 1, next.Remaining);
    }

    [Fact]
    public async Task ABatchWithOneInvalidBeginIsRefusedWholeAndBeginsNothing()
    {
        using var http = stack.CreateGateHttpClient();
        var gate = new GateClient(http);
        var valid = NewKey();

        using var response = await http.PostAsJsonAsync("/api/idempotency/begin/batch", new[]
        {
            new BeginRequest(valid, "fp-1"),
            new BeginRequest(valid + ":" + new string('x', 300), "fp-1"),
            new BeginRequest(NewKey(), "fp-1", Budget: new RateLimitRequest("no-such-provider", "c1")),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("[1].key", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("[2].budget.provider", out _), errors.ToString());
        Assert.Equal(IdempotencyStatus.New, (await gate.BeginAsync(new BeginRequest(valid, "fp-1"))).Status);
    }

    [Fact]
    public async Task ABatchOfCompletesStoresEachOutcomeAndAnswersAStaleLeaseAsAValue()
    {
        using var http = stack.CreateGateHttpClient();
        var gate = new GateClient(http);
        var (mine, taken) = (NewKey(), NewKey());
        var lease = await gate.BeginAsync(new BeginRequest(mine, "fp-1"));
        var expired = await gate.BeginAsync(new BeginRequest(taken, "fp-1", TimeSpan.FromMilliseconds(200)));
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        await gate.BeginAsync(new BeginRequest(taken, "fp-1"));

        var answers = await gate.CompleteManyAsync(
        [
            new CompleteRequest(mine, lease.LeaseToken!, "issue 12 opened"),
            new CompleteRequest(taken, expired.LeaseToken!, "from the owner that lost its lease"),
        ]);

        Assert.Equal([IdempotencyStatus.Completed, GateClient.LeaseLost], answers.Select(a => a.Status));
        Assert.Equal("issue 12 opened", (await gate.BeginAsync(new BeginRequest(mine, "fp-1"))).Outcome);
        Assert.Equal(IdempotencyStatus.InProgress, (await gate.BeginAsync(new BeginRequest(taken, "fp-1"))).Status);
    }

    [Fact]
    public async Task ExpiredLeaseIsClaimableAgainAndTheOutcomeIsStoredOnce()
    {
        var key = NewKey();
        using var crashedHttp = stack.CreateGateHttpClient();
        using var survivorHttp = stack.CreateGateHttpClient();
        var crashed = new GateClient(crashedHttp);
        var survivor = new GateClient(survivorHttp);

        // Long enough that the second begin comes within it on a busy machine; then waited out.
        var lease = TimeSpan.FromSeconds(3);
        var first = await crashed.BeginAsync(new BeginRequest(key, "fp-1", lease));
        Assert.Equal(IdempotencyStatus.New, first.Status);
        Assert.False(first.Reclaimed);
        Assert.Equal(IdempotencyStatus.InProgress, (await survivor.BeginAsync(new BeginRequest(key, "fp-1"))).Status);

        var untilExpired = first.LeaseExpiresAt!.Value - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300);
        if (untilExpired > TimeSpan.Zero)
        {
            await Task.Delay(untilExpired);
        }

        var second = await survivor.BeginAsync(new BeginRequest(key, "fp-1"));
        Assert.Equal(IdempotencyStatus.New, second.Status);
        // The crashed owner may have caused the effect: the new owner is told to check before acting.
        Assert.True(second.Reclaimed);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        // ...and told when the key was first claimed, so its check need only look from then on.
        Assert.Null(first.FirstClaimedAt);
        Assert.Equal(first.LeaseExpiresAt - lease, second.FirstClaimedAt);

        var stale = await crashed.CompleteAsync(new CompleteRequest(key, first.LeaseToken!, "from the crashed owner"));
        Assert.Equal(GateClient.LeaseLost, stale.Status);
        var done = await survivor.CompleteAsync(new CompleteRequest(key, second.LeaseToken!, "message 42 sent"));
        Assert.Equal(IdempotencyStatus.Completed, done.Status);
        var staleAgain = await crashed.CompleteAsync(new CompleteRequest(key, first.LeaseToken!, "from the crashed owner"));
        Assert.Equal(GateClient.LeaseLost, staleAgain.Status);

        var later = await crashed.BeginAsync(new BeginRequest(key, "fp-1"));
        Assert.Equal(IdempotencyStatus.Completed, later.Status);
        Assert.Equal("message 42 sent", later.Outcome);
        Assert.True(later.Succeeded);

        await using var redis = await ConnectionMultiplexer.ConnectAsync((await stack.App.GetConnectionStringAsync("cache"))!);
        var record = redis.GetDatabase();
        Assert.Equal("message 42 sent", (string?)await record.HashGetAsync($"gate:idem:{key}", "outcome"));
        Assert.Equal(2, (int)await record.HashGetAsync($"gate:idem:{key}", "claims"));
        var ttl = await record.KeyTimeToLiveAsync($"gate:idem:{key}");
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7));
    }

    [Fact]
    public async Task RetryableFailureReleasesTheKeyAndPermanentFailureIsRemembered()
    {
        var key = NewKey();
        using var http = stack.CreateGateHttpClient();
        var gate = new GateClient(http);

        var first = await gate.BeginAsync(new BeginRequest(key, "fp-1"));
        Assert.Equal("released", (await gate.FailAsync(new FailRequest(key, first.LeaseToken!, Retryable: true))).Status);
        var retry = await gate.BeginAsync(new BeginRequest(key, "fp-1"));
        Assert.Equal(IdempotencyStatus.New, retry.Status);
        // A retryable failure (e.g. a timeout) may still have reached the provider: reclaimed, so check first.
        Assert.True(retry.Reclaimed);
        Assert.Equal("failed", (await gate.FailAsync(new FailRequest(key, retry.LeaseToken!, Retryable: false, "channel_not_found"))).Status);

        var after = await gate.BeginAsync(new BeginRequest(key, "fp-1"));
        Assert.Equal(IdempotencyStatus.Completed, after.Status);
        Assert.False(after.Succeeded);
        Assert.Equal("channel_not_found", after.Outcome);
    }

    [Fact]
    public async Task SameKeyWithADifferentFingerprintIsUnprocessable()
    {
        var key = NewKey();
        using var http = stack.CreateGateHttpClient();

        using var first = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest(key, "fp-1"));
        using var second = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest(key, "fp-2"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Equal(IdempotencyStatus.Mismatch, (await new GateClient(http).BeginAsync(new BeginRequest(key, "fp-2"))).Status);
    }

    [Theory]
    [InlineData("github:only-two")]
    [InlineData("GitHub:abc:send_message")]
    [InlineData("github:has space:send_message")]
    [InlineData("")]
    public async Task MalformedKeysAreRejectedWithProblemDetails(string key)
    {
        using var http = stack.CreateGateHttpClient();

        using var response = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest(key, "fp-1"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"key\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysLongerThan255CharactersAreRejected()
    {
        using var http = stack.CreateGateHttpClient();
        var longest = $"github:{new string('e', 255 - "github::x".Length)}:x";
        var tooLong = $"github:{new string('e', 256 - "github::x".Length)}:x";

        using var accepted = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest(longest, "fp-1"));
        using var rejected = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest(tooLong, "fp-1"));

        Assert.Equal(255, longest.Length);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
    }

    [Fact]
    public async Task RetryAfterReportedByOneWorkerPausesAnotherWorkersBudget()
    {
        var connection = $"conn-{Guid.NewGuid():N}";
        using var reporterHttp = stack.CreateGateHttpClient();
        using var otherHttp = stack.CreateGateHttpClient();
        var reporter = new GateClient(reporterHttp);
        var other = new GateClient(otherHttp);
        Assert.True((await other.DecideAsync(new RateLimitRequest("github", connection))).Allowed);

        using var providerResponse = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        providerResponse.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        var pause = await reporter.ReportAsync("github", connection, providerResponse);

        Assert.True(pause.Paused);
        var denied = await other.DecideAsync(new RateLimitRequest("github", connection));
        Assert.False(denied.Allowed);
        Assert.InRange(denied.RetryAfter, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        Assert.True((await other.DecideAsync(new RateLimitRequest("github", $"{connection}-elsewhere"))).Allowed);

        await Task.Delay(denied.RetryAfter + TimeSpan.FromMilliseconds(100));
        Assert.True((await other.DecideAsync(new RateLimitRequest("github", connection))).Allowed);
    }

    [Fact]
    public async Task SlackBudgetAllowsASmallBurstThenDeniesWithRetryAfter()
    {
        using var http = stack.CreateGateHttpClient();
        var gate = new GateClient(http);
        var channel = $"C{Guid.NewGuid():N}";

        var decisions = await gate.DecideManyAsync([.. Enumerable.Repeat(new RateLimitRequest("slack", channel), 5)]);

        Assert.Equal([true, true, true, false, false], decisions.Select(d => d.Allowed));
        Assert.Equal([2L, 1L, 0L, 0L, 0L], decisions.Select(d => d.Remaining));
        Assert.InRange(decisions[3].RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.InRange(decisions[3].Reset, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task TwoGateReplicasShareLeasesAndBudgets()
    {
        await using var replica = await GateProcess.StartAsync((await stack.App.GetConnectionStringAsync("cache"))!);
        using var firstHttp = stack.CreateGateHttpClient();
        using var secondHttp = replica.CreateHttpClient();
        var first = new GateClient(firstHttp);
        var second = new GateClient(secondHttp);
        var key = NewKey();
        var channel = $"C{Guid.NewGuid():N}";
        await second.DecideAsync(new RateLimitRequest("slack", $"{channel}-warm-up"));

        var begins = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => (i % 2 == 0 ? first : second).BeginAsync(new BeginRequest(key, "fp-1"))));
        var spent = new List<bool>();
        for (var i = 0; i < 6; i++)
        {
            spent.Add((await (i % 2 == 0 ? first : second).DecideAsync(new RateLimitRequest("slack", channel))).Allowed);
        }

        Assert.Single(begins, r => r.Status == IdempotencyStatus.New);
        Assert.Equal(3, spent.Count(allowed => allowed));
        Assert.Equal([true, true, true], spent.Take(3));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-wrong-key-wrong")]
    [InlineData("test-gate-api-key-012345678")]
    public async Task CallsWithoutTheRightApiKeyAreUnauthorized(string? apiKey)
    {
        using var http = stack.CreateGateHttpClient(apiKey);

        using var begin = await http.PostAsJsonAsync("/api/idempotency/begin", new BeginRequest(NewKey(), "fp-1"));
        using var decide = await http.PostAsJsonAsync("/api/ratelimits/decisions", new RateLimitRequest("github", "c1"));

        Assert.Equal(HttpStatusCode.Unauthorized, begin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, decide.StatusCode);
        Assert.Equal("application/problem+json", begin.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(StackFixture.GateApiKey, await begin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthAndOpenApiNeedNoApiKey()
    {
        using var http = stack.CreateGateHttpClient(apiKey: null);

        using var health = await http.GetAsync("/health");
        using var alive = await http.GetAsync("/alive");
        var openApi = await http.GetStringAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Contains("/api/idempotency/begin", openApi, StringComparison.Ordinal);
        Assert.Contains("/api/ratelimits/decisions", openApi, StringComparison.Ordinal);
    }

    private static string NewKey() => $"github:{Guid.NewGuid()}:send_message";
}
