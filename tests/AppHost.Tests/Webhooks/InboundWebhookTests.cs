namespace Integrations.AppHost.Tests;

/// <summary>Issue 3: four signature schemes, dedup, durability before 202, out-of-order safety.</summary>
[Collection(StackCollection.Name)]
public sealed class InboundWebhookTests(StackFixture stack)
{
    public static TheoryData<string> Providers => ["github", "stripe", "slack", "acme"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EachProviderIsVerifiedStoredAndProcessed(string provider)
    {
        var (request, deliveryId) = SignedDelivery(provider);

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/deliveries/{provider}/{deliveryId}", response.Headers.Location?.OriginalString);
        var status = await WaitForStateAsync(provider, deliveryId, "done");
        Assert.Equal(1, status.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task AStoredDeliveryIsAnnouncedToTheWorkers()
    {
        // The receiver's NOTIFY runs after the insert commits, in a transaction of its own.
        await using var listener = await stack.OpenDatabaseAsync("integrationsdb");
        await using (var listen = new NpgsqlCommand("LISTEN deliveries", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var (request, _) = SignedDelivery("github");
        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10)), "no NOTIFY deliveries within 10 s of the 202");
    }

    [Fact]
    public async Task DuplicateSentConcurrentlyOverTwoConnectionsIsStoredAndProcessedOnce()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var repository = $"acme/concurrent-{deliveryId[..8]}";
        var body = GitHubDelivery.PushPayload(repository);
        var signature = GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret);

        using var first = stack.App.CreateHttpClient("receiver");
        using var second = stack.App.CreateHttpClient("receiver");
        var sends = Enumerable.Range(0, 16).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? first : second).SendAsync(GitHubDelivery.Request(body, deliveryId, signature));
            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(sends);

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.OK));
        await WaitForStateAsync("github", deliveryId, "done");
        var audit = await stack.GetAuditRowsAsync<JsonElement>($"?idempotencyKey=github:{deliveryId}:send_message");
        Assert.Equal(["started", "succeeded"], audit.Select(r => r.GetProperty("status").GetString()).Order());
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString()!.Contains(repository, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StripeEventsDeliveredOutOfOrderKeepTheNewestState()
    {
        var customer = $"cus_{Guid.NewGuid():N}";
        var created = Webhooks.Now - 60;
        var newer = Webhooks.StripeCustomerUpdated($"evt_new_{customer}", customer, "new@example.com", created + 30);
        var older = Webhooks.StripeCustomerUpdated($"evt_old_{customer}", customer, "old@example.com", created);

        using var receiver = stack.App.CreateHttpClient("receiver");
        using (var response = await receiver.SendAsync(Webhooks.Stripe(newer, StackFixture.StripeWebhookSecret)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await WaitForStateAsync("stripe", $"evt_new_{customer}", "done");
        using (var response = await receiver.SendAsync(Webhooks.Stripe(older, StackFixture.StripeWebhookSecret)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await WaitForStateAsync("stripe", $"evt_old_{customer}", "done");

        Assert.Equal(1, await stack.ScalarAsync("integrationsdb",
            "SELECT count(*) FROM customers WHERE customer_id = $1 AND email = 'new@example.com' AND last_event_id = $2", customer, $"evt_new_{customer}"));
        var skipped = await stack.GetAuditRowsAsync<JsonElement>($"?idempotencyKey=stripe:evt_old_{customer}:record_payment_event");
        Assert.Equal("skipped", Assert.Single(skipped).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(StackFixture.OldGitHubWebhookSecret)]
    [InlineData(StackFixture.GitHubWebhookSecret)]
    public async Task OldAndNewSecretsAreBothAcceptedDuringRotation(string secret)
    {
        var deliveryId = Guid.NewGuid().ToString();
        var body = GitHubDelivery.PushPayload($"acme/rotation-{deliveryId[..8]}");

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, secret), eventType: "ping"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task SlackUrlVerificationIsAnsweredAndNotStored()
    {
        var body = Encoding.UTF8.GetBytes("""{"token":"t","challenge":"challenge-from-slack","type":"url_verification"}""");

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(Webhooks.Slack(body, StackFixture.SlackSigningSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("challenge-from-slack", answer.GetProperty("challenge").GetString());
    }

    [Fact]
    public async Task SlackRetryWithTheSameEventIdIsADuplicate()
    {
        var eventId = $"Ev{Guid.NewGuid():N}";
        var body = Webhooks.SlackEvent(eventId);

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var first = await receiver.SendAsync(Webhooks.Slack(body, StackFixture.SlackSigningSecret));
        var retry = Webhooks.Slack(body, StackFixture.SlackSigningSecret);
        retry.Headers.Add("X-Slack-Retry-Num", "1");
        using var second = await receiver.SendAsync(retry);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True((await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task ChunkedDeliveryIsStoredWithItsExactBody()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var body = GitHubDelivery.PushPayload($"acme/chunked-{deliveryId[..8]}");
        using var request = GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret));
        request.Content = new ChunkedContent(request.Content!);

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries WHERE delivery_id = $1 AND body = $2", deliveryId, body));
    }

    public static TheoryData<string, HttpStatusCode> BadInputs => new()
    {
        { "missing-headers", HttpStatusCode.BadRequest },
        { "malformed-stripe-header", HttpStatusCode.BadRequest },
        { "bad-signature", HttpStatusCode.Unauthorized },
        { "stale-slack-timestamp", HttpStatusCode.Unauthorized },
        { "future-standard-timestamp", HttpStatusCode.Unauthorized },
        { "unknown-source", HttpStatusCode.NotFound },
        { "body-over-limit", HttpStatusCode.RequestEntityTooLarge },
        { "chunked-body-over-limit", HttpStatusCode.RequestEntityTooLarge },
        { "wrong-content-type", HttpStatusCode.UnsupportedMediaType },
        { "signed-non-json", HttpStatusCode.BadRequest },
        { "live-event-in-sandbox", HttpStatusCode.BadRequest },
        { "github-form-without-payload", HttpStatusCode.BadRequest },
        { "slack-form-neither-command-nor-interaction", HttpStatusCode.BadRequest },
        { "form-to-a-json-only-source", HttpStatusCode.UnsupportedMediaType },
        { "v1a-of-another-key", HttpStatusCode.Unauthorized },
        { "slash-command-with-a-nul", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInputGetsItsDocumentedProblemAndIsNotStored(string input, HttpStatusCode expected)
    {
        var id = $"bad-{input}-{Guid.NewGuid():N}";
        using var request = BadRequest(input, id);

        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        foreach (var secret in new[] { StackFixture.GitHubWebhookSecret, StackFixture.StripeWebhookSecret, StackFixture.SlackSigningSecret, StackFixture.AcmeWebhookSecret })
        {
            Assert.DoesNotContain(secret, problem, StringComparison.Ordinal);
        }

        Assert.Equal(0, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries WHERE delivery_id = $1 OR delivery_id = $2", id, $"evt_{id}"));
    }

    [Fact]
    public async Task ANulCharacterRefusesItsOwnDeliveryWith400AndTheOthersInItsBatchAreStored()
    {
        var run = Guid.NewGuid().ToString("N");
        // PostgreSQL refuses NUL in text and jsonb. Both are signed correctly: one has it in a JSON
        // string of the body, the other in the id Stripe's scheme reads from the body.
        var nulBody = Encoding.UTF8.GetBytes("{\"zen\":\"nul \\u0000 here\",\"hook_id\":1}");
        var nulBodyId = $"nul-body-{run}";
        var nulIdPrefix = $"evt_nul_{run}";
        var nulId = Webhooks.StripeCustomerUpdated(nulIdPrefix + "\\u0000", $"cus_{run}", "nul@example.com", Webhooks.Now);
        var goodIds = Enumerable.Range(0, 12).Select(i => $"nul-batch-{run}-{i}").ToArray();
        var ping = Encoding.UTF8.GetBytes("{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}");
        var pingSignature = GitHubDelivery.Sign(ping, StackFixture.GitHubWebhookSecret);
        using var receiver = stack.App.CreateHttpClient("receiver");

        async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request)
        {
            using var message = request();
            return await receiver.SendAsync(message);
        }

        var goods = goodIds.Select(id => SendAsync(() => GitHubDelivery.Request(ping, id, pingSignature, "ping"))).ToList();
        var badBody = SendAsync(() => GitHubDelivery.Request(nulBody, nulBodyId, GitHubDelivery.Sign(nulBody, StackFixture.GitHubWebhookSecret), "ping"));
        var badId = SendAsync(() => Webhooks.Stripe(nulId, StackFixture.StripeWebhookSecret));
        var answers = await Task.WhenAll([.. goods, badBody, badId]);

        try
        {
            Assert.All(answers[..goodIds.Length], r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
            foreach (var refused in new[] { answers[^2], answers[^1] })
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                Assert.Contains("NUL", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.Equal(goodIds.Length, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries WHERE delivery_id LIKE $1", $"nul-batch-{run}-%"));
            Assert.Equal(0, await stack.ScalarAsync("integrationsdb",
                "SELECT count(*) FROM deliveries WHERE delivery_id = $1 OR delivery_id LIKE $2", nulBodyId, nulIdPrefix + "%"));
        }
        finally
        {
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }
    }

    [Fact]
    public async Task DeliveryStateIsQueryableAndUnknownDeliveriesAreNotFound()
    {
        using var receiver = stack.CreateReceiverAdminClient();

        using var missing = await receiver.GetAsync($"/deliveries/github/{Guid.NewGuid()}");
        using var badState = await receiver.GetAsync("/deliveries/github?state=lost");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
    }

    [Fact]
    public async Task DeliveryStateNeedsTheAdminKey()
    {
        using var anonymous = stack.App.CreateHttpClient("receiver");

        using var list = await anonymous.GetAsync("/deliveries/github");
        using var show = await anonymous.GetAsync($"/deliveries/github/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, show.StatusCode);
    }

    internal static (HttpRequestMessage Request, string DeliveryId) SignedDelivery(string provider)
    {
        var id = Guid.NewGuid().ToString("N");
        switch (provider)
        {
            case "github":
                var push = GitHubDelivery.PushPayload($"acme/e2e-{id[..8]}");
                return (GitHubDelivery.Request(push, id, GitHubDelivery.Sign(push, StackFixture.GitHubWebhookSecret)), id);
            case "stripe":
                var created = Webhooks.Now;
                return (Webhooks.Stripe(Webhooks.StripeCustomerUpdated($"evt_{id}", $"cus_{id}", "e2e@example.com", created), StackFixture.StripeWebhookSecret), $"evt_{id}");
            case "slack":
                return (Webhooks.Slack(Webhooks.SlackEvent($"Ev{id}"), StackFixture.SlackSigningSecret), $"Ev{id}");
            default:
                var body = Encoding.UTF8.GetBytes("""{"type":"invoice.paid","data":{}}""");
                return (Webhooks.Standard(provider, $"msg_{id}", body, StackFixture.AcmeWebhookSecret), $"msg_{id}");
        }
    }

    private static HttpRequestMessage BadRequest(string input, string id)
    {
        var push = GitHubDelivery.PushPayload("acme/bad");
        switch (input)
        {
            case "missing-headers":
                var missing = GitHubDelivery.Request(push, id, GitHubDelivery.Sign(push, StackFixture.GitHubWebhookSecret));
                missing.Headers.Remove("X-GitHub-Event");
                return missing;
            case "malformed-stripe-header":
                var malformed = Webhooks.Stripe(Webhooks.StripeCustomerUpdated($"evt_{id}", "cus_1", "a@example.com", Webhooks.Now), StackFixture.StripeWebhookSecret);
                malformed.Headers.Remove("Stripe-Signature");
                malformed.Headers.TryAddWithoutValidation("Stripe-Signature", "t=now,v1=zz");
                return malformed;
            case "bad-signature":
                return GitHubDelivery.Request(push, id, GitHubDelivery.Sign(push, "wrong-secret"));
            case "stale-slack-timestamp":
                return Webhooks.Slack(Webhooks.SlackEvent(id), StackFixture.SlackSigningSecret, Webhooks.Now - 301);
            case "future-standard-timestamp":
                return Webhooks.Standard("acme", id, Encoding.UTF8.GetBytes("""{"type":"a"}"""), StackFixture.AcmeWebhookSecret, Webhooks.Now + 360);
            case "unknown-source":
                var unknown = GitHubDelivery.Request(push, id, GitHubDelivery.Sign(push, StackFixture.GitHubWebhookSecret));
                unknown.RequestUri = new Uri("/webhooks/gitlab", UriKind.Relative);
                return unknown;
            case "body-over-limit":
                var big = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 1024 * 1024) + "\"}");
                return Webhooks.Standard("acme", id, big, StackFixture.AcmeWebhookSecret);
            case "chunked-body-over-limit":
                var chunked = Webhooks.Standard("acme", id, Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 1024 * 1024) + "\"}"), StackFixture.AcmeWebhookSecret);
                chunked.Content = new ChunkedContent(chunked.Content!);
                return chunked;
            case "wrong-content-type":
                var text = GitHubDelivery.Request(push, id, GitHubDelivery.Sign(push, StackFixture.GitHubWebhookSecret));
                text.Content!.Headers.ContentType = new("text/plain");
                return text;
            case "signed-non-json":
                var notJson = Encoding.UTF8.GetBytes("definitely not json");
                return GitHubDelivery.Request(notJson, id, GitHubDelivery.Sign(notJson, StackFixture.GitHubWebhookSecret));
            case "live-event-in-sandbox":
                var live = Encoding.UTF8.GetString(Webhooks.StripeCustomerUpdated($"evt_{id}", "cus_1", "a@example.com", Webhooks.Now))
                    .Replace("\"livemode\":false", "\"livemode\":true", StringComparison.Ordinal);
                return Webhooks.Stripe(Encoding.UTF8.GetBytes(live), StackFixture.StripeWebhookSecret);
            case "github-form-without-payload":
                return Webhooks.GitHubSignedForm(Encoding.UTF8.GetBytes("zen=" + Uri.EscapeDataString(Encoding.UTF8.GetString(push))), id, StackFixture.GitHubWebhookSecret);
            case "slack-form-neither-command-nor-interaction":
                return Webhooks.SlackForm(Encoding.UTF8.GetBytes($"token=t&team_id=T0001&trigger_id={id}"), StackFixture.SlackSigningSecret);
            case "form-to-a-json-only-source":
                var form = Webhooks.Standard("acme", id, Encoding.UTF8.GetBytes("payload=%7B%7D"), StackFixture.AcmeWebhookSecret);
                form.Content!.Headers.ContentType = new("application/x-www-form-urlencoded");
                return form;
            case "slash-command-with-a-nul":
                return Webhooks.SlackForm(Webhooks.SlackSlashCommand(id, "nul \0 here"), StackFixture.SlackSigningSecret);
            case "v1a-of-another-key":
                return Webhooks.StandardV1a("acme-signed", id, Encoding.UTF8.GetBytes("""{"type":"a"}"""), "whsk_" + Convert.ToBase64String(new byte[32]));
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input, null);
        }
    }

    private async Task<JsonElement?> GetStatusAsync(string provider, string deliveryId)
    {
        using var receiver = stack.CreateReceiverAdminClient();
        using var response = await receiver.GetAsync($"/deliveries/{provider}/{deliveryId}");
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    private async Task<JsonElement> WaitForStateAsync(string provider, string deliveryId, string state)
    {
        var status = await StackFixture.EventuallyAsync<object>(
            async () => await GetStatusAsync(provider, deliveryId) is { } s && s.GetProperty("state").GetString() == state ? s : null,
            $"{provider} delivery {deliveryId} to reach '{state}'");
        return (JsonElement)status;
    }
}

/// <summary>Sends another content's bytes without a Content-Length, so they go chunked as a streaming sender's would.</summary>
internal sealed class ChunkedContent : HttpContent
{
    private readonly HttpContent _inner;

    public ChunkedContent(HttpContent inner)
    {
        _inner = inner;
        Headers.ContentType = inner.Headers.ContentType;
    }

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => _inner.CopyToAsync(stream);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
