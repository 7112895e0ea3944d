namespace Integrations.AppHost.Tests;

[Collection(StackCollection.Name)]
public sealed class TokenBrokerAuthorizationTests(StackFixture stack)
{
    private readonly BrokerFlow _flow = new(stack);

    [Fact]
    public async Task CodeFlowWithPkceConnectsAnAccountWithReadOnlyScopesAndIssuesAWorkingToken()
    {
        var account = BrokerFlow.NewAccount();

        var connection = await _flow.ConnectAsync(account);

        Assert.Equal("google", connection.GetProperty("provider").GetString());
        Assert.Equal(account, connection.GetProperty("account").GetString());
        Assert.Equal([BrokerFlow.DriveReadOnly], connection.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("active", connection.GetProperty("status").GetString());
        var id = connection.GetProperty("id").GetGuid();

        var token = await _flow.Client().GetAccessTokenAsync(id, "ReadSupportSheet");
        Assert.Contains(token.AccessToken, await _flow.ProviderTokensAsync(account));
        Assert.True(token.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(1, (await _flow.SandboxAccountAsync(account)).GetProperty("codeExchanges").GetInt32());

        var listed = Assert.Single(await _flow.Client().ListConnectionsAsync("google"), c => c.Id == id);
        Assert.Equal(account, listed.Account);
        using var api = _flow.Api();
        var listing = await api.GetStringAsync("/api/connections");
        Assert.All(await _flow.ProviderTokensAsync(account), value => Assert.DoesNotContain(value, listing, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplayedStateIsRefusedWith400()
    {
        var callback = await _flow.AuthorizeAsync(BrokerFlow.NewAccount());
        using var browser = BrokerFlow.WithoutRedirects();

        using var first = await browser.GetAsync(callback);
        using var replay = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        var problem = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Invalid state.", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task UnknownStateIsRefusedWith400AndNothingIsStored()
    {
        var account = BrokerFlow.NewAccount();
        var callback = await _flow.AuthorizeAsync(account);
        var forged = new Uri(callback.GetLeftPart(UriPartial.Path) + callback.Query.Replace("state=", "state=forged", StringComparison.Ordinal));
        using var browser = BrokerFlow.WithoutRedirects();

        using var response = await browser.GetAsync(forged);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM oauth_connections WHERE account = $1", account));
        Assert.Equal(0, (await _flow.SandboxAccountAsync(account)).GetProperty("codeExchanges").GetInt32());
    }

    [Fact]
    public async Task ExpiredStateIsRefusedWith400()
    {
        var account = BrokerFlow.NewAccount();
        var callback = await _flow.AuthorizeAsync(account);
        await stack.ScalarAsync("integrationsdb", "UPDATE oauth_authorizations SET expires_at = now() - interval '1 second' WHERE login_hint = $1 RETURNING 1", account);
        using var browser = BrokerFlow.WithoutRedirects();

        using var response = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM oauth_connections WHERE account = $1", account));
    }

    [Fact]
    public async Task SandboxTokenEndpointRejectsAMismatchedPkceVerifier()
    {
        var sandbox = stack.App.GetEndpoint("sandbox", "http");
        using var browser = BrokerFlow.WithoutRedirects(sandbox);
        const string RedirectUri = "http://localhost/callback";
        var verifier = new string('v', 64);
        var challenge = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var authorize = await browser.GetAsync(
            $"/google/o/oauth2/v2/auth?client_id={StackFixture.GoogleClientId}&redirect_uri={Uri.EscapeDataString(RedirectUri)}&response_type=code" +
            $"&scope={Uri.EscapeDataString(BrokerFlow.DriveReadOnly)}&state=s&code_challenge={challenge}&code_challenge_method=S256&login_hint={BrokerFlow.NewAccount()}");
        var code = System.Web.HttpUtility.ParseQueryString(authorize.Headers.Location!.Query)["code"]!;

        async Task<HttpResponseMessage> ExchangeAsync(string codeVerifier) => await browser.PostAsync("/google/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = RedirectUri, ["code_verifier"] = codeVerifier,
            ["client_id"] = StackFixture.GoogleClientId, ["client_secret"] = StackFixture.GoogleClientSecret,
        }));

        using var mismatched = await ExchangeAsync(new string('w', 64));
        using var matching = await ExchangeAsync(verifier);

        Assert.Equal(HttpStatusCode.BadRequest, mismatched.StatusCode);
        Assert.Equal("invalid_grant", (await mismatched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, matching.StatusCode);
    }

    [Fact]
    public async Task RevokedConnectionIsRevokedAtTheProviderAndDeletedLocally()
    {
        var account = BrokerFlow.NewAccount();
        var id = (await _flow.ConnectAsync(account)).GetProperty("id").GetGuid();
        using var api = _flow.Api(actor: "operator-revoke");

        using var revoked = await api.DeleteAsync($"/api/connections/{id}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Empty(await _flow.ProviderTokensAsync(account));
        Assert.Equal(1, (await _flow.SandboxAccountAsync(account)).GetProperty("revocations").GetInt32());
        Assert.Equal(0, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM oauth_connections WHERE id = $1", id));
        var rows = await _flow.AuditRowsAsync("RevokeConnection");
        Assert.Contains(rows, r => r.GetProperty("target").GetString() == $"connection/{id}" && r.GetProperty("actor").GetString() == "operator-revoke");
    }
}
