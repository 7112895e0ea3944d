namespace Integrations.AppHost.Tests;

[Collection(StackCollection.Name)]
public sealed class TokenBrokerRefreshTests(StackFixture stack)
{
    private readonly BrokerFlow _flow = new(stack);

    [Fact]
    public async Task ExpiredAccessTokenIsRefreshedOnceAndTheRotatedRefreshTokenIsStored()
    {
        var account = BrokerFlow.NewAccount();
        var id = (await _flow.ConnectAsync(account)).GetProperty("id").GetGuid();
        var client = _flow.Client();
        var before = await client.GetAccessTokenAsync(id, "ReadSupportSheet");
        var protectedRefreshBefore = await ProtectedRefreshTokenAsync(id);
        await _flow.ExpireAccessTokenAsync(id);

        var refreshed = await client.GetAccessTokenAsync(id, "ReadSupportSheet");
        var again = await client.GetAccessTokenAsync(id, "ReadSupportSheet");

        Assert.NotEqual(before.AccessToken, refreshed.AccessToken);
        Assert.Equal(refreshed.AccessToken, again.AccessToken);
        Assert.True(refreshed.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(1, await _flow.RefreshCallsAsync(account));
        Assert.NotEqual(protectedRefreshBefore, await ProtectedRefreshTokenAsync(id));

        // The stored refresh token is the rotated one: the next refresh succeeds at the provider.
        await _flow.ExpireAccessTokenAsync(id);
        var third = await client.GetAccessTokenAsync(id, "ReadSupportSheet");
        Assert.NotEqual(refreshed.AccessToken, third.AccessToken);
        Assert.Equal(2, await _flow.RefreshCallsAsync(account));
    }

    [Fact]
    public async Task FiftyConcurrentCallersOnAnExpiredTokenCauseExactlyOneRefresh()
    {
        var account = BrokerFlow.NewAccount();
        var id = (await _flow.ConnectAsync(account)).GetProperty("id").GetGuid();
        await _flow.SlowDownRefreshesAsync(account, TimeSpan.FromMilliseconds(500));
        await _flow.ExpireAccessTokenAsync(id);
        using var api = _flow.Api();

        var tokens = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => GetTokenAsync(api, id)));

        Assert.Equal(1, await _flow.RefreshCallsAsync(account));
        Assert.Single(tokens.Distinct());
    }

    [Fact]
    public async Task TwoBrokerReplicasRefreshAnExpiredTokenExactlyOnce()
    {
        var account = BrokerFlow.NewAccount();
        var id = (await _flow.ConnectAsync(account)).GetProperty("id").GetGuid();
        using var first = _flow.Api("broker");
        using var second = _flow.Api(StackFixture.BrokerReplica);
        Assert.Equal(await GetTokenAsync(first, id), await GetTokenAsync(second, id));
        await _flow.SlowDownRefreshesAsync(account, TimeSpan.FromMilliseconds(500));
        await _flow.ExpireAccessTokenAsync(id);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => GetTokenAsync(i % 2 == 0 ? first : second, id)));

        Assert.Equal(1, await _flow.RefreshCallsAsync(account));
        Assert.Single(tokens.Distinct());
    }

    [Fact]
    public async Task InvalidGrantMarksTheConnectionNeedsReauthWithAnAuditRowAnd409()
    {
        var account = BrokerFlow.NewAccount();
        var id = (await _flow.ConnectAsync(account)).GetProperty("id").GetGuid();
        await _flow.InvalidateRefreshTokensAsync(account);
        await _flow.ExpireAccessTokenAsync(id);
        using var api = _flow.Api(actor: "worker");

        using var refused = await api.GetAsync($"/api/connections/{id}/token?action=ReadSupportSheet");
        using var refusedAgain = await api.GetAsync($"/api/connections/{id}/token?action=ReadSupportSheet");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refusedAgain.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Connection needs re-authorization.", problem.GetProperty("title").GetString());
        Assert.Equal(1, await _flow.RefreshCallsAsync(account));
        var listed = Assert.Single(await _flow.Client().ListConnectionsAsync("google"), c => c.Id == id);
        Assert.Equal("needs_reauth", listed.Status);
        var rows = await _flow.AuditRowsAsync("RefreshAccessToken");
        var row = Assert.Single(rows, r => r.GetProperty("target").GetString() == $"connection/{id}");
        Assert.Equal("failed", row.GetProperty("status").GetString());
        Assert.Equal("worker", row.GetProperty("actor").GetString());

        // A new authorization of the same account heals the connection.
        var healed = await _flow.ConnectAsync(account);
        Assert.Equal(id, healed.GetProperty("id").GetGuid());
        Assert.Equal("active", healed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task TransientRefreshFailureIsRetriedAndRefreshesOnce()
    {
        var account = BrokerFlow.NewAccount();
        var id = (await _flow.ConnectAsync(account)).GetProperty("id").GetGuid();
        await _flow.FailNextRefreshesAsync(account, 1);
        await _flow.ExpireAccessTokenAsync(id);
        using var api = _flow.Api();

        var token = await GetTokenAsync(api, id);

        var state = await _flow.SandboxAccountAsync(account);
        Assert.Equal(1, state.GetProperty("rejectedRefreshes").GetInt32());
        Assert.Equal(1, state.GetProperty("refreshes").GetInt32());
        Assert.Contains(token, await _flow.ProviderTokensAsync(account));
    }

    [Theory]
    [InlineData("github", "ReadRepository")]
    [InlineData("slack", "ReadChannelHistory")]
    public async Task GitHubAndSlackConnectionsRefreshAndRevokeInTheirOwnWireFormats(string provider, string action)
    {
        var account = BrokerFlow.NewAccount();
        var connection = await _flow.ConnectAsync(account, provider: provider);
        var id = connection.GetProperty("id").GetGuid();
        Assert.Equal(provider, connection.GetProperty("provider").GetString());
        using var api = _flow.Api();
        var first = await GetTokenAsync(api, id, action);
        await _flow.ExpireAccessTokenAsync(id);

        var refreshed = await GetTokenAsync(api, id, action);
        using var wrongProvider = await api.GetAsync($"/api/connections/{id}/token?action=ReadSupportSheet");
        using var revoked = await api.DeleteAsync($"/api/connections/{id}");

        Assert.NotEqual(first, refreshed);
        Assert.Equal(1, await _flow.RefreshCallsAsync(account));
        Assert.Equal(HttpStatusCode.Forbidden, wrongProvider.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Empty(await _flow.ProviderTokensAsync(account));
    }

    private static async Task<string> GetTokenAsync(HttpClient api, Guid id, string action = "ReadSupportSheet")
    {
        using var response = await api.GetAsync($"/api/connections/{id}/token?action={action}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private async Task<string> ProtectedRefreshTokenAsync(Guid id)
    {
        await using var connection = await stack.OpenDatabaseAsync("integrationsdb");
        await using var command = new Npgsql.NpgsqlCommand("SELECT protected_refresh_token FROM oauth_connections WHERE id = $1", connection);
        command.Parameters.Add(new() { Value = id });
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
