using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.AppHost.Tests;

[Collection(StackCollection.Name)]
public sealed class TokenBrokerSecurityTests(StackFixture stack)
{
    private readonly BrokerFlow _flow = new(stack);

    [Fact]
    public async Task ActionOutsideTheGrantedScopesIsRefusedWith403AndAudited()
    {
        var id = (await _flow.ConnectAsync(BrokerFlow.NewAccount())).GetProperty("id").GetGuid();
        var actor = $"svc-{Guid.NewGuid():N}"[..16];
        using var api = _flow.Api(actor: actor);

        using var refused = await api.GetAsync($"/api/connections/{id}/token?action=UpdateSupportSheet");
        using var allowed = await api.GetAsync($"/api/connections/{id}/token?action=ReadSupportSheet");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Scope not granted.", problem.GetProperty("title").GetString());
        Assert.Contains("drive.file", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var row = Assert.Single(await _flow.AuditRowsAsync("UpdateSupportSheet"), r => r.GetProperty("actor").GetString() == actor);
        Assert.Equal($"connection/{id}", row.GetProperty("target").GetString());
        Assert.Equal("failed", row.GetProperty("status").GetString());
    }

    [Fact]
    public async Task WideningScopesTakesANewAuthorization()
    {
        var account = BrokerFlow.NewAccount();
        var id = (await _flow.ConnectAsync(account)).GetProperty("id").GetGuid();
        using var api = _flow.Api();
        using var before = await api.GetAsync($"/api/connections/{id}/token?action=UpdateSupportSheet");

        var widened = await _flow.ConnectAsync(account, $"{BrokerFlow.DriveReadOnly} https://www.googleapis.com/auth/drive.file");
        using var after = await api.GetAsync($"/api/connections/{id}/token?action=UpdateSupportSheet");

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(id, widened.GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task NoTokenIsStoredInPlaintext()
    {
        var account = BrokerFlow.NewAccount();
        var id = (await _flow.ConnectAsync(account)).GetProperty("id").GetGuid();
        var accessToken = (await _flow.Client().GetAccessTokenAsync(id, "ReadSupportSheet")).AccessToken;
        var providerTokens = await _flow.ProviderTokensAsync(account);
        Assert.Contains(accessToken, providerTokens);
        Assert.Equal(2, providerTokens.Count);

        await using var connection = await stack.OpenDatabaseAsync("integrationsdb");
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT c::text, protected_access_token, protected_refresh_token FROM oauth_connections c WHERE id = $1", connection);
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var row = reader.GetString(0);

        Assert.All(providerTokens, token => Assert.DoesNotContain(token, row, StringComparison.Ordinal));
        // Data Protection payloads start with its magic header, base64url "CfDJ8".
        Assert.StartsWith("CfDJ8", reader.GetString(1), StringComparison.Ordinal);
        Assert.StartsWith("CfDJ8", reader.GetString(2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALoginHintWithANulCharacterIsA400ProblemWithoutAStackTrace()
    {
        using var api = _flow.Api();

        using var response = await api.PostAsJsonAsync("/api/connections/authorizations", new { provider = "google", loginHint = "\0" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        AssertNoExceptionDetails(body);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("loginHint", out _), body);
    }

    [Fact]
    public async Task AnAnonymousRequestThatThrowsAnswersAProblemWithoutAStackTrace()
    {
        // The services run as Development here, as under ./run.sh: a parameter that cannot be bound
        // throws, which the developer exception page answered with the exception and its stack.
        using var sandbox = stack.App.CreateHttpClient("sandbox");

        using var response = await sandbox.PutAsync("/_sandbox/github/rate-limit?limit=%00", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        AssertNoExceptionDetails(body);
        Assert.Equal(400, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
    }

    private static void AssertNoExceptionDetails(string body)
    {
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NobodyCanReplaceAnAccountsConnectionByNamingThatAccount()
    {
        var victim = BrokerFlow.NewAccount();
        var connected = await _flow.ConnectAsync(victim);
        var victimId = connected.GetProperty("id").GetGuid();
        const string Tokens = "SELECT protected_access_token || protected_refresh_token FROM oauth_connections WHERE id = $1";
        await using var db = await stack.OpenDatabaseAsync("integrationsdb");
        async Task<string> TokensAsync()
        {
            await using var command = new Npgsql.NpgsqlCommand(Tokens, db);
            command.Parameters.Add(new() { Value = victimId });
            return (string)(await command.ExecuteScalarAsync())!;
        }

        var victimTokens = await TokensAsync();

        // Anonymous callers cannot start an authorization at all.
        using (var browser = BrokerFlow.WithoutRedirects(_flow.BrokerUrl()))
        using (var anonymous = await browser.GetAsync($"/oauth/google/authorize?account={Uri.EscapeDataString(victim)}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        }

        // An operator's authorization names the victim as login hint, but mallory signs in at the provider:
        // the connection is mallory's, and the victim's keeps its own grant.
        var mallory = BrokerFlow.NewAccount();
        using (var sandbox = new HttpClient { BaseAddress = stack.App.GetEndpoint("sandbox", "http") })
        {
            (await sandbox.PostAsync($"/_sandbox/oauth/sign-in-next?account={Uri.EscapeDataString(mallory)}", null)).EnsureSuccessStatusCode();
        }

        var stored = await _flow.ConnectAsync(victim);

        Assert.Equal(mallory, stored.GetProperty("account").GetString());
        Assert.NotEqual(victimId, stored.GetProperty("id").GetGuid());
        Assert.Equal(victimTokens, await TokensAsync());
        var rows = await stack.GetAuditRowsAsync<JsonElement>($"?action=ConnectAccount&target=connection/{stored.GetProperty("id").GetGuid()}");
        Assert.Equal("broker-tests", Assert.Single(rows).GetProperty("actor").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task CallersWithoutTheBrokerKeyGet401(string? key)
    {
        var id = (await _flow.ConnectAsync(BrokerFlow.NewAccount())).GetProperty("id").GetGuid();
        using var api = _flow.Api(apiKey: key);

        using var list = await api.GetAsync("/api/connections");
        using var token = await api.GetAsync($"/api/connections/{id}/token?action=ReadSupportSheet");
        using var revoke = await api.DeleteAsync($"/api/connections/{id}");
        using var rotation = await api.PostAsJsonAsync("/api/apps/google/client-secret-rotations", new { actor = "mallory" });
        using var start = await api.PostAsJsonAsync("/api/connections/authorizations", new { provider = "google" });

        Assert.Equal(HttpStatusCode.Unauthorized, start.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rotation.StatusCode);
        Assert.Equal(1, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM oauth_connections WHERE id = $1", id));
    }

    [Fact]
    public async Task ClientSecretRotationIsRecordedAndAuditedWithoutTheSecret()
    {
        var actor = $"ops-{Guid.NewGuid():N}"[..16];
        using var api = _flow.Api();

        using var response = await api.PostAsJsonAsync("/api/apps/google/client-secret-rotations", new { actor });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(StackFixture.GoogleClientSecret, body, StringComparison.Ordinal);
        Assert.Equal(1, await stack.ScalarAsync("integrationsdb",
            "SELECT count(*) FROM oauth_client_secret_rotations WHERE rotated_by = $1 AND provider = 'google' AND client_id = $2", actor, StackFixture.GoogleClientId));
        var rows = await _flow.AuditRowsAsync("RotateClientSecret");
        var row = Assert.Single(rows, r => r.GetProperty("actor").GetString() == actor);
        Assert.Equal($"app/{StackFixture.GoogleClientId}", row.GetProperty("target").GetString());
        Assert.DoesNotContain(StackFixture.GoogleClientSecret, JsonSerializer.Serialize(rows), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokerLogsAndAuditRowsNeverContainATokenValue()
    {
        var loggers = stack.App.Services.GetRequiredService<ResourceLoggerService>();
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();
        var lines = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var watchers = new[] { "broker", StackFixture.BrokerReplica }
            .Select(name => WatchAsync(loggers, model.Resources.Single(r => r.Name == name), lines, stop.Token))
            .ToList();

        var account = BrokerFlow.NewAccount();
        var id = (await _flow.ConnectAsync(account)).GetProperty("id").GetGuid();
        var seen = new HashSet<string>(await _flow.ProviderTokensAsync(account));
        await _flow.ExpireAccessTokenAsync(id);
        using var replica = _flow.Api(StackFixture.BrokerReplica);
        using (await replica.GetAsync($"/api/connections/{id}/token?action=ReadSupportSheet"))
        {
        }

        seen.UnionWith(await _flow.ProviderTokensAsync(account));
        using (await replica.GetAsync($"/api/connections/{id}/token?action=UpdateSupportSheet"))
        {
        }

        await _flow.InvalidateRefreshTokensAsync(account);
        await _flow.ExpireAccessTokenAsync(id);
        using (await _flow.Api().GetAsync($"/api/connections/{id}/token?action=ReadSupportSheet"))
        {
        }

        await StackFixture.EventuallyAsync(
            () => Task.FromResult(lines.Any(l => l.Contains(id.ToString(), StringComparison.Ordinal) && l.Contains("re-authorization", StringComparison.Ordinal)) ? "" : null),
            "the broker to log the connection's re-authorization");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await Task.WhenAll(watchers);

        Assert.Equal(4, seen.Count);
        Assert.Contains(lines, l => l.Contains($"connection {id}", StringComparison.Ordinal));
        Assert.All(seen, token => Assert.DoesNotContain(lines, l => l.Contains(token, StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains(StackFixture.GoogleClientSecret, StringComparison.Ordinal));
        var audit = JsonSerializer.Serialize(await _flow.AuditRowsAsync("RefreshAccessToken"))
            + JsonSerializer.Serialize(await _flow.AuditRowsAsync("UpdateSupportSheet"))
            + JsonSerializer.Serialize(await _flow.AuditRowsAsync("ConnectAccount"));
        Assert.All(seen, token => Assert.DoesNotContain(token, audit, StringComparison.Ordinal));
    }

    private static async Task WatchAsync(ResourceLoggerService loggers, IResource resource, ConcurrentQueue<string> lines, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    lines.Enqueue(line.Content);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
