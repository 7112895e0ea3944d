namespace Integrations.AppHost.Tests;

/// <summary>
/// Drives the token broker's OAuth flow against the sandbox the way a browser would, one redirect
/// at a time, and reaches the broker's API through its typed client.
/// </summary>
public sealed class BrokerFlow(StackFixture stack)
{
    public const string DriveReadOnly = "https://www.googleapis.com/auth/drive.readonly";

    /// <summary>A fresh account per test keeps the sandbox's per-account counters independent.</summary>
    public static string NewAccount() => $"user-{Guid.NewGuid():N}@example.com";

    public Uri BrokerUrl(string resource = "broker") => stack.App.GetEndpoint(resource, "http");

    public static HttpClient WithoutRedirects(Uri? baseAddress = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress, Timeout = StackFixture.StepTimeout };

    public HttpClient Api(string resource = "broker", string? apiKey = StackFixture.BrokerApiKey, string actor = "broker-tests")
    {
        var http = new HttpClient { BaseAddress = BrokerUrl(resource), Timeout = StackFixture.StepTimeout };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        http.DefaultRequestHeaders.Add("X-Actor", actor);
        return http;
    }

    public TokenBrokerClient Client(string resource = "broker") => new(Api(resource));

    /// <summary>Starts an authorization at the broker and lets the sandbox approve it: returns the callback URL with code and state.</summary>
    public async Task<Uri> AuthorizeAsync(string account, string? scope = null, string provider = "google")
    {
        using var browser = WithoutRedirects();
        var started = await Client().StartAuthorizationAsync(new StartAuthorizationRequest(provider, scope is null ? null : [scope], account));
        var authorize = started.AuthorizeUrl;
        Assert.Contains("code_challenge_method=S256", authorize.Query, StringComparison.Ordinal);

        using var toCallback = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, toCallback.StatusCode);
        return toCallback.Headers.Location!;
    }

    /// <summary>The whole flow: authorize, approve, call back. Returns the stored connection.</summary>
    public async Task<JsonElement> ConnectAsync(string account, string? scope = null, string provider = "google")
    {
        var callback = await AuthorizeAsync(account, scope, provider);
        using var browser = WithoutRedirects();
        using var response = await browser.GetAsync(callback);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The callback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> SandboxAccountAsync(string account)
    {
        using var sandbox = new HttpClient { BaseAddress = stack.App.GetEndpoint("sandbox", "http") };
        return await sandbox.GetFromJsonAsync<JsonElement>($"/_sandbox/oauth/accounts/{Uri.EscapeDataString(account)}");
    }

    public async Task<int> RefreshCallsAsync(string account) => (await SandboxAccountAsync(account)).GetProperty("refreshes").GetInt32();

    public async Task<IReadOnlyList<string>> ProviderTokensAsync(string account) =>
        [.. (await SandboxAccountAsync(account)).GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)];

    public async Task InvalidateRefreshTokensAsync(string account)
    {
        using var sandbox = new HttpClient { BaseAddress = stack.App.GetEndpoint("sandbox", "http") };
        using var response = await sandbox.PostAsync($"/_sandbox/oauth/accounts/{Uri.EscapeDataString(account)}/invalidate-refresh-tokens", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Makes the account's next refresh calls answer 503 at the sandbox, unprocessed.</summary>
    public async Task FailNextRefreshesAsync(string account, int count)
    {
        using var sandbox = new HttpClient { BaseAddress = stack.App.GetEndpoint("sandbox", "http") };
        using var response = await sandbox.PostAsync($"/_sandbox/oauth/accounts/{Uri.EscapeDataString(account)}/fail-next-refreshes?count={count}", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Makes the sandbox take this long to answer the account's refreshes, so that racing refreshes overlap.</summary>
    public async Task SlowDownRefreshesAsync(string account, TimeSpan delay)
    {
        using var sandbox = new HttpClient { BaseAddress = stack.App.GetEndpoint("sandbox", "http") };
        using var response = await sandbox.PostAsync($"/_sandbox/oauth/accounts/{Uri.EscapeDataString(account)}/refresh-delay?milliseconds={(int)delay.TotalMilliseconds}", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Moves the stored access token to its expiry, as if its hour had passed.</summary>
    public Task ExpireAccessTokenAsync(Guid connectionId) =>
        stack.ScalarAsync("integrationsdb", "UPDATE oauth_connections SET access_expires_at = now() WHERE id = $1 RETURNING 1", connectionId);

    public async Task<List<JsonElement>> AuditRowsAsync(string action)
    {
        return await stack.GetAuditRowsAsync<JsonElement>($"?action={action}&provider=google&limit=1000");
    }
}
