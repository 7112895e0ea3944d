namespace Integrations.AppHost.Tests;

/// <summary>The §4 slice: a signed GitHub push becomes one Slack message and one audit row, in one trace.</summary>
[Collection(StackCollection.Name)]
public sealed class WalkingSkeletonTests(StackFixture stack)
{
    [Fact]
    public async Task SignedPushIsPostedToSlackOnceAndAuditedInOneTrace()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var repository = $"acme/app-{deliveryId[..8]}";
        var body = GitHubDelivery.PushPayload(repository, commits: 3, pusher: "alice");

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(
            GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<DeliveryAcceptedDto>();
        Assert.NotNull(accepted);
        Assert.False(accepted.Duplicate);
        Assert.Matches("^[0-9a-f]{32}$", accepted.TraceId);

        var idempotencyKey = $"github:{deliveryId}:send_message";
        var audit = await StackFixture.EventuallyAsync(
            async () => (await stack.GetAuditRowsAsync<AuditRecord>($"?idempotencyKey={idempotencyKey}"))
                .SingleOrDefault(row => row.Status == "succeeded"),
            "the audit row");

        Assert.Equal("worker", audit.Actor);
        Assert.Equal("slack", audit.Provider);
        Assert.Equal("SendMessage", audit.Action);
        Assert.Equal("#engineering", audit.Target);
        Assert.Equal("succeeded", audit.Status);
        var started = Assert.Single(await stack.GetAuditRowsAsync<AuditRecord>($"?idempotencyKey={idempotencyKey}"), row => row.Status == "started");
        Assert.Equal(accepted.TraceId, started.TraceId);
        Assert.Equal("sandbox", audit.Environment);
        Assert.Equal(accepted.TraceId, audit.TraceId);
        Assert.True(DateTimeOffset.UtcNow - audit.Ts < TimeSpan.FromMinutes(5));

        var messages = (await stack.GetJsonAsync<EffectDto>("sandbox", "/_sandbox/effects?provider=slack&kind=message"))
            .Where(effect => effect.Text.Contains(repository, StringComparison.Ordinal))
            .ToList();
        var message = Assert.Single(messages);
        Assert.Equal($"alice pushed 3 commits to {repository}@main", message.Text);
        Assert.Equal(accepted.TraceId, message.TraceId);

        // The delivery is marked done with its claim batch, just after the effect.
        await StackFixture.EventuallyAsync(
            async () => await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries WHERE provider = 'github' AND delivery_id = $1 AND state = 'done'", deliveryId) == 1 ? "done" : null,
            "the delivery to be marked done");
    }

    [Fact]
    public async Task APusherOrBranchNameCannotMentionTheChannelOrDisguiseALink()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var repository = $"acme/inject-{deliveryId[..8]}";
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            @ref = "refs/heads/<!channel>",
            repository = new { full_name = repository },
            pusher = new { name = "<https://evil.example|Deploy approved> & co" },
            commits = Array.Empty<object>(),
        });

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(
            GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var message = await StackFixture.EventuallyAsync(
            async () => (await stack.GetJsonAsync<EffectDto>("sandbox", "/_sandbox/effects?provider=slack&kind=message"))
                .SingleOrDefault(effect => effect.Text.Contains(repository, StringComparison.Ordinal)),
            "the Slack message");
        Assert.Equal($"&lt;https://evil.example|Deploy approved&gt; &amp; co pushed 0 commits to {repository}@&lt;!channel&gt;", message.Text);
    }

    [Fact]
    public async Task BadSignatureIsRejectedAndNothingIsStored()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var body = GitHubDelivery.PushPayload($"acme/forged-{deliveryId[..8]}");

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(
            GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, "not-the-secret")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(StackFixture.GitHubWebhookSecret, problem, StringComparison.Ordinal);

        await using var db = await stack.OpenDatabaseAsync("integrationsdb");
        await using var count = new NpgsqlCommand("SELECT count(*) FROM deliveries WHERE delivery_id = $1", db)
        {
            Parameters = { new() { Value = deliveryId } },
        };
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task RepeatedDeliveryIsAcknowledgedAsDuplicateAndStoredOnce()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var body = GitHubDelivery.PushPayload($"acme/dup-{deliveryId[..8]}");
        var signature = GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret);

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var first = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, signature));
        using var second = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, signature));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var duplicate = await second.Content.ReadFromJsonAsync<DeliveryAcceptedDto>();
        Assert.True(duplicate?.Duplicate);

        await using var db = await stack.OpenDatabaseAsync("integrationsdb");
        await using var count = new NpgsqlCommand("SELECT count(*) FROM deliveries WHERE delivery_id = $1", db)
        {
            Parameters = { new() { Value = deliveryId } },
        };
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("text/plain", "sha256=0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", "sha1=abc", HttpStatusCode.BadRequest)]
    public async Task MalformedRequestsGetPreciseProblems(string contentType, string signature, HttpStatusCode expected)
    {
        var body = GitHubDelivery.PushPayload("acme/malformed");
        using var request = GitHubDelivery.Request(body, Guid.NewGuid().ToString(), signature);
        request.Content!.Headers.ContentType = new(contentType);

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnknownSourceIsNotFound()
    {
        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.PostAsJsonAsync("/webhooks/gitlab", new { });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private sealed record DeliveryAcceptedDto(string Provider, string DeliveryId, bool Duplicate, string? TraceId);

    private sealed record EffectDto(long Sequence, string Provider, string Kind, string Target, string Text, string? TraceId);
}
