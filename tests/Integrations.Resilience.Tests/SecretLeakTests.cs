using System.Collections.Concurrent;
using Npgsql;

namespace Integrations.Resilience.Tests;

/// <summary>
/// Issue 8, part 3: after a full set of flows (GitHub push and release, Stripe, Slack, OAuth connect,
/// token fetch and refresh, a dead letter, bad signatures, a secret rotation, actions, refused calls),
/// no configured secret and no token the provider issued appears in anything the services produced:
/// console logs of every resource, OTLP traces, logs and metrics, audit rows, error response bodies.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class SecretLeakTests(ResilienceStack stack, ITestOutputHelper output)
{
    private readonly ConcurrentQueue<(string What, string Body)> _errorBodies = new();
    private readonly HashSet<string> _issuedTokens = [];
    private string? _rotatedSecret;

    [Fact]
    public async Task NoSecretOrIssuedTokenAppearsInLogsTelemetryAuditRowsOrErrorBodies()
    {
        await RunFlowsAsync();
        await WaitForTelemetryAsync();

        var needles = new Dictionary<string, string>(ResilienceStack.ConfiguredSecrets);
        foreach (var (name, value) in await stack.InfrastructureSecretsAsync())
        {
            needles[name] = value;
        }

        needles["secret added by rotation"] = _rotatedSecret!;
        var index = 0;
        foreach (var token in _issuedTokens.Order(StringComparer.Ordinal))
        {
            needles[$"issued OAuth token {++index}"] = token;
        }

        var sources = new List<(string Source, long Items, long Bytes, List<string> Hits)>();
        foreach (var (resource, lines) in stack.Logs.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            var text = string.Join('\n', lines);
            sources.Add(($"console log: {resource}", lines.Count, Encoding.UTF8.GetByteCount(text), Hits(text, needles)));
        }

        foreach (var group in stack.Telemetry.Exports.ToArray().GroupBy(e => (e.Service, e.Signal)).OrderBy(g => g.Key.Service, StringComparer.Ordinal).ThenBy(g => g.Key.Signal, StringComparer.Ordinal))
        {
            var bytes = group.SelectMany(e => e.Body).ToArray();
            sources.Add(($"OTLP {group.Key.Signal}: {group.Key.Service}", group.Count(), bytes.Length, Hits(bytes, needles)));
        }

        var audit = await AuditRowsAsync();
        sources.Add(("audit_events rows (all columns)", audit.Count, audit.Sum(r => (long)Encoding.UTF8.GetByteCount(r)), Hits(string.Join('\n', audit), needles)));
        var errors = _errorBodies.ToList();
        sources.Add(("error response bodies", errors.Count, errors.Sum(e => (long)Encoding.UTF8.GetByteCount(e.Body)), Hits(string.Join('\n', errors.Select(e => e.Body)), needles)));

        new Figures("secrets", "Secrets")
            .Line($"{needles.Count} values searched for: {ResilienceStack.ConfiguredSecrets.Count} configured secrets and keys, "
                + $"{needles.Count - ResilienceStack.ConfiguredSecrets.Count - _issuedTokens.Count - 1} generated infrastructure passwords, 1 secret added by rotation, {_issuedTokens.Count} OAuth tokens the sandbox issued.")
            .Line($"Scanned {sources.Sum(s => s.Bytes):N0} bytes in {sources.Count} sources; hits: {sources.Sum(s => s.Hits.Count)}.")
            .Line("")
            .Table(["source", "lines / requests / rows / bodies", "bytes", "hits"],
                sources.Select(s => new object[] { s.Source, s.Items, s.Bytes, s.Hits.Count == 0 ? "0" : string.Join("; ", s.Hits) }))
            .Write(output);

        Assert.All(Services, service => Assert.Contains(sources, s => s.Source == $"OTLP traces: {service}" && s.Bytes > 0));
        Assert.All(Services, service => Assert.Contains(sources, s => s.Source == $"OTLP logs: {service}" && s.Bytes > 0));
        Assert.All(Services, service => Assert.Contains(sources, s => s.Source == $"console log: {service}" && s.Items > 0));
        Assert.NotEmpty(audit);
        Assert.True(_issuedTokens.Count >= 6, $"only {_issuedTokens.Count} issued tokens were collected");
        Assert.All(sources, s => Assert.True(s.Hits.Count == 0, $"{s.Source}: {string.Join("; ", s.Hits)}"));
    }

    /// <summary>Every service of the stack's model but the sandbox, which stands in for the providers and holds their test secrets by design.</summary>
    private IEnumerable<string> Services => StackServices.Of(stack.App).Where(service => service != "sandbox");

    private static List<string> Hits(string text, IReadOnlyDictionary<string, string> needles) =>
        [.. needles.Where(n => text.Contains(n.Value, StringComparison.Ordinal)).Select(n => n.Key)];

    private static List<string> Hits(byte[] bytes, IReadOnlyDictionary<string, string> needles) =>
        [.. needles.Where(n => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(n.Value)) >= 0).Select(n => n.Key)];

    private async Task RunFlowsAsync()
    {
        using var receiver = stack.Client("receiver");
        using var admin = stack.Client("receiver", StackFixture.ReceiverAdminKey);

        var push = Guid.NewGuid().ToString();
        var pushBody = GitHubDelivery.PushPayload($"acme/leaks-{push[..8]}");
        await SendAsync(receiver, GitHubDelivery.Request(pushBody, push, GitHubDelivery.Sign(pushBody, StackFixture.GitHubWebhookSecret)), HttpStatusCode.Accepted);

        var release = Guid.NewGuid().ToString();
        var releaseBody = JsonSerializer.SerializeToUtf8Bytes(new
        {
            action = "published",
            release = new { tag_name = "v1.1.0", name = "v1.1.0" },
            repository = new { full_name = "acme/widgets" },
            sender = new { login = "grace" },
        });
        await SendAsync(receiver, GitHubDelivery.Request(releaseBody, release, GitHubDelivery.Sign(releaseBody, StackFixture.GitHubWebhookSecret), "release"), HttpStatusCode.Accepted);

        var stripe = $"evt_{Guid.NewGuid():N}";
        await SendAsync(receiver, Webhooks.Stripe(Webhooks.StripeCustomerUpdated(stripe, $"cus_{Guid.NewGuid():N}", "leaks@example.com", Webhooks.Now), StackFixture.StripeWebhookSecret), HttpStatusCode.Accepted);

        var slack = $"Ev{Guid.NewGuid():N}";
        await SendAsync(receiver, Webhooks.Slack(Webhooks.SlackEvent(slack), StackFixture.SlackSigningSecret), HttpStatusCode.Accepted);

        var acme = $"msg_{Guid.NewGuid():N}";
        await SendAsync(receiver, Webhooks.Standard("acme", acme, Encoding.UTF8.GetBytes("""{"type":"invoice.paid","data":{}}"""), StackFixture.AcmeWebhookSecret), HttpStatusCode.Accepted);

        // A push with no repository cannot be summarised: dead-lettered at once.
        var dead = Guid.NewGuid().ToString();
        var deadBody = Encoding.UTF8.GetBytes("""{"ref":"refs/heads/main","pusher":{"name":"x"}}""");
        await SendAsync(receiver, GitHubDelivery.Request(deadBody, dead, GitHubDelivery.Sign(deadBody, StackFixture.GitHubWebhookSecret)), HttpStatusCode.Accepted);

        foreach (var source in BadInput.SignedSources)
        {
            var id = Guid.NewGuid().ToString("N");
            await SendAsync(receiver, BadInput.Sign(source, id, BadInput.Body(source, id), Webhooks.Now, source == "fuzz" ? "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==" : "wrong-secret"), HttpStatusCode.Unauthorized);
        }

        await RotateSecretAsync(admin, receiver);
        await ConnectAndFetchTokensAsync();
        await RunActionsAsync();
        await CallWithoutCredentialsAsync();

        foreach (var (provider, id, state) in new[] { ("github", push, "done"), ("github", release, "done"), ("stripe", stripe, "done"), ("slack", slack, "done"), ("acme", acme, "done"), ("github", dead, "dead") })
        {
            await StackFixture.EventuallyAsync(async () =>
            {
                using var response = await admin.GetAsync($"/deliveries/{provider}/{id}");
                return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString() == state ? "" : null;
            }, $"{provider} delivery {id} to be {state}");
        }
    }

    private async Task RotateSecretAsync(HttpClient admin, HttpClient receiver)
    {
        _rotatedSecret = $"rotated-resilience-{Guid.NewGuid():N}";
        using var added = await admin.PostAsJsonAsync("/admin/sources/github/secrets", new { secret = _rotatedSecret, actor = "resilience" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var secretId = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var id = Guid.NewGuid().ToString();
        var body = GitHubDelivery.PushPayload($"acme/rotated-{id[..8]}");
        await SendAsync(receiver, GitHubDelivery.Request(body, id, GitHubDelivery.Sign(body, _rotatedSecret), "ping"), HttpStatusCode.Accepted);
        using var retired = await admin.DeleteAsync($"/admin/sources/github/secrets/{secretId}?actor=resilience");
        Assert.Equal(HttpStatusCode.NoContent, retired.StatusCode);
        var late = Guid.NewGuid().ToString();
        await SendAsync(receiver, GitHubDelivery.Request(body, late, GitHubDelivery.Sign(body, _rotatedSecret), "ping"), HttpStatusCode.Unauthorized);
    }

    private async Task ConnectAndFetchTokensAsync()
    {
        using var api = stack.Client("broker", StackFixture.BrokerApiKey);
        api.DefaultRequestHeaders.Add("X-Actor", "resilience");
        foreach (var (provider, action) in new[] { ("google", "ReadSupportSheet"), ("github", "ReadRepository"), ("slack", "ReadChannelHistory") })
        {
            var account = $"leaks-{provider}-{Guid.NewGuid():N}@example.com";
            var id = await ConnectAsync(provider, account);
            await CollectTokensAsync(account);
            using (var token = await api.GetAsync($"/api/connections/{id}/token?action={action}"))
            {
                Assert.Equal(HttpStatusCode.OK, token.StatusCode);
            }

            // Expire the access token: the next fetch refreshes it at the provider.
            await stack.ScalarAsync("integrationsdb", "UPDATE oauth_connections SET access_expires_at = now() WHERE id = $1 RETURNING 1", id);
            using (var refreshed = await api.GetAsync($"/api/connections/{id}/token?action={action}"))
            {
                Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            }

            await CollectTokensAsync(account);
            using var outOfScope = await api.GetAsync($"/api/connections/{id}/token?action=UpdateSupportSheet");
            await KeepErrorAsync($"broker token outside scope ({provider})", outOfScope);
        }
    }

    private async Task<Guid> ConnectAsync(string provider, string account)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = StackFixture.StepTimeout };
        var consent = await StartAuthorizationAsync(stack.Endpoint("broker"), provider, account);
        using var toCallback = await browser.GetAsync(consent);
        Assert.Equal(HttpStatusCode.Redirect, toCallback.StatusCode);
        using var connected = await browser.GetAsync(toCallback.Headers.Location!);
        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        return (await connected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>An operator starts the authorization through the broker's API; the answer is the provider's consent URL.</summary>
    internal static async Task<Uri> StartAuthorizationAsync(Uri broker, string provider, string loginHint, string? scope = null)
    {
        using var api = new HttpClient { BaseAddress = broker, Timeout = StackFixture.StepTimeout };
        api.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.BrokerApiKey);
        api.DefaultRequestHeaders.Add("X-Actor", "resilience-tests");
        using var started = await api.PostAsJsonAsync("/api/connections/authorizations", new { provider, loginHint, scopes = scope is null ? null : new[] { scope } });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        return new Uri((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("authorizeUrl").GetString()!);
    }

    private async Task CollectTokensAsync(string account)
    {
        using var sandbox = stack.Client("sandbox");
        var state = await sandbox.GetFromJsonAsync<JsonElement>($"/_sandbox/oauth/accounts/{Uri.EscapeDataString(account)}");
        foreach (var token in state.GetProperty("tokens").EnumerateArray())
        {
            _issuedTokens.Add(token.GetString()!);
        }
    }

    private async Task RunActionsAsync()
    {
        using var worker = stack.Client("worker", StackFixture.WorkerAdminKey);
        using (var message = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "#resilience", text = "leak check", actor = "resilience" }))
        {
            Assert.Equal(HttpStatusCode.OK, message.StatusCode);
        }

        using (var notes = await worker.PostAsJsonAsync("/api/actions/release-notes", new { repository = "acme/widgets", channel = "#resilience", actor = "resilience" }))
        {
            Assert.Equal(HttpStatusCode.OK, notes.StatusCode);
        }

        using var unknown = await worker.PostAsJsonAsync("/api/actions/release-notes", new { repository = "acme/nope", actor = "resilience" });
        await KeepErrorAsync("worker release notes for an unknown repository", unknown);
        using var invalid = await worker.PostAsJsonAsync("/api/actions/send-message", new { channel = "", text = "", actor = "" });
        await KeepErrorAsync("worker invalid action", invalid);
        using var missing = await worker.PostAsync($"/api/deliveries/github/{Guid.NewGuid()}/replay", null);
        await KeepErrorAsync("worker replay of an unknown delivery", missing);
    }

    private async Task CallWithoutCredentialsAsync()
    {
        foreach (var (resource, path) in new[] { ("gate", "/api/ratelimits/decisions"), ("broker", "/api/connections"), ("worker", "/api/dead-letters"), ("receiver", "/admin/sources/github/secrets") })
        {
            using var anonymous = stack.Client(resource, "wrong-key");
            using var response = resource == "gate" ? await anonymous.PostAsJsonAsync(path, new { }) : await anonymous.GetAsync(path);
            await KeepErrorAsync($"{resource} {path} with a wrong key", response);
        }

        using var admin = stack.Client("receiver", StackFixture.ReceiverAdminKey);
        using var tooShort = await admin.PostAsJsonAsync("/admin/sources/github/secrets", new { secret = "short", actor = "resilience" });
        await KeepErrorAsync("receiver rotation with a too-short secret", tooShort);
        using var unknownSecret = await admin.DeleteAsync("/admin/sources/github/secrets/999999?actor=resilience");
        await KeepErrorAsync("receiver retiring an unknown secret", unknownSecret);
    }

    private async Task SendAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            await KeepErrorAsync($"{request.Method} {request.RequestUri}", response);
            Assert.Equal(expected, response.StatusCode);
        }
    }

    private async Task KeepErrorAsync(string what, HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            _errorBodies.Enqueue(($"{what}: {(int)response.StatusCode}", await response.Content.ReadAsStringAsync()));
        }
    }

    /// <summary>Polls until every service has exported traces and logs, then waits two export intervals more.</summary>
    private async Task WaitForTelemetryAsync()
    {
        await StackFixture.EventuallyAsync(() =>
        {
            var seen = stack.Telemetry.Exports.Select(e => (e.Service, e.Signal)).ToHashSet();
            return Task.FromResult(Services.All(s => seen.Contains((s, "traces")) && seen.Contains((s, "logs"))) ? "" : null);
        }, "every service to export traces and logs");
        await Task.Delay(TimeSpan.FromSeconds(5));
    }

    private async Task<List<string>> AuditRowsAsync()
    {
        await using var connection = await stack.OpenDatabaseAsync("auditdb");
        await using var command = new NpgsqlCommand("SELECT row_to_json(a)::text FROM audit_events a", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
