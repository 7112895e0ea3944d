using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Integrations.TokenBroker.Providers;

/// <summary>
/// Speaks to the providers' token and revoke endpoints in their own wire formats: Google's JSON
/// with 400 <c>invalid_grant</c>, GitHub's 200 with <c>error</c>, Slack's <c>ok:false</c>. Refusals of
/// a grant become <see cref="ProviderGrantRefusedException"/>; everything else that fails becomes
/// <see cref="ProviderUnavailableException"/>. Exceptions and logs carry error codes, never a token,
/// code or secret. Its HttpClient retries only where the provider cannot have acted: see
/// <c>ApplicationServiceExtensions.IsSafeToRetry</c>.
/// </summary>
public sealed class OAuthProviderClient(HttpClient http, IOptionsMonitor<OAuthProviderOptions> providers, IConfiguration configuration, TimeProvider time)
{
    public Task<ProviderTokens> ExchangeCodeAsync(string provider, string code, string codeVerifier, string redirectUri, CancellationToken cancellationToken) =>
        RequestTokensAsync(provider, [new("grant_type", "authorization_code"), new("code", code), new("code_verifier", codeVerifier), new("redirect_uri", redirectUri)], cancellationToken);

    public Task<ProviderTokens> RefreshAsync(string provider, string refreshToken, CancellationToken cancellationToken) =>
        RequestTokensAsync(provider, [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], cancellationToken);

    /// <summary>
    /// Who the provider says the new token's user is: the account a connection records, never one a
    /// caller typed. Google: Drive <c>about.user.emailAddress</c>; GitHub: <c>/user</c>'s <c>login</c>;
    /// Slack: the token answer's <c>authed_user.id</c>.
    /// </summary>
    public async Task<string> IdentifyAsync(string provider, ProviderTokens tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var options = providers.Get(provider);
        if (options.UserEndpoint is null)
        {
            return tokens.User is { Length: > 0 } named ? named : throw new ProviderUnavailableException(provider, "the token answer named no user");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, options.Resolve(options.UserEndpoint));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Integrations-TokenBroker", "1.0")); // GitHub refuses requests without one
        JsonElement body;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ProviderUnavailableException(provider, $"user endpoint answered {(int)response.StatusCode}");
            }

            body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderUnavailableException(provider, "user endpoint unreachable", ex);
        }
        catch (JsonException ex)
        {
            throw new ProviderUnavailableException(provider, "user endpoint answered something other than JSON", ex);
        }

        var account = provider switch
        {
            "google" => body.TryGetProperty("user", out var user) ? Text(user, "emailAddress") : null,
            _ => Text(body, "login"),
        };
        return account is { Length: > 0 and <= 320 } && !account.Any(char.IsControl)
            ? account
            : throw new ProviderUnavailableException(provider, "the user endpoint named no account");
    }

    /// <summary>Revokes the grant at the provider. A token the provider no longer knows counts as revoked.</summary>
    public async Task RevokeAsync(string provider, string accessToken, string? refreshToken, CancellationToken cancellationToken)
    {
        var options = providers.Get(provider);
        var endpoint = options.Resolve(options.RevokeEndpoint!);
        using var request = provider switch
        {
            "github" => new HttpRequestMessage(HttpMethod.Delete, endpoint.AbsoluteUri.Replace("%7Bclient_id%7D", Uri.EscapeDataString(options.ClientId), StringComparison.Ordinal))
            {
                Content = JsonContent.Create(new { access_token = accessToken }),
            },
            "slack" => new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent([]) },
            _ => new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent([new("token", refreshToken ?? accessToken)]) },
        };
        if (provider == "github")
        {
            request.Headers.Authorization = BasicAuthentication(options);
        }
        else if (provider == "slack")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                throw new ProviderUnavailableException(provider, $"revoke answered {(int)response.StatusCode}");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderUnavailableException(provider, "revoke unreachable", ex);
        }
    }

    private async Task<ProviderTokens> RequestTokensAsync(string provider, List<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        var options = providers.Get(provider);
        form.Add(new("client_id", options.ClientId));
        form.Add(new("client_secret", configuration[options.ClientSecretKey] ?? ""));
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Resolve(options.TokenEndpoint!)) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        JsonElement body;
        HttpStatusCode status;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            status = response.StatusCode;
            if ((int)status >= 500 || status == HttpStatusCode.TooManyRequests)
            {
                throw new ProviderUnavailableException(provider, $"token endpoint answered {(int)status}");
            }

            body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderUnavailableException(provider, "token endpoint unreachable", ex);
        }
        catch (JsonException ex)
        {
            throw new ProviderUnavailableException(provider, "token endpoint answered something other than JSON", ex);
        }

        var error = Text(body, "error");
        if (error is not null || (provider == "slack" && body.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.False))
        {
            throw new ProviderGrantRefusedException(provider, NormalizeError(error ?? "unknown_error"));
        }

        if (!status.Equals(HttpStatusCode.OK) || Text(body, "access_token") is not { Length: > 0 } accessToken)
        {
            throw new ProviderUnavailableException(provider, $"token endpoint answered {(int)status} without an access token");
        }

        var expiresIn = body.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt32(out var value) ? value : 3600;
        var scopes = (Text(body, "scope") ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var user = body.TryGetProperty("authed_user", out var authed) ? Text(authed, "id") : null;
        return new ProviderTokens(accessToken, Text(body, "refresh_token"), time.GetUtcNow().AddSeconds(expiresIn), scopes, user);
    }

    /// <summary>GitHub and Slack name a dead grant differently; the broker treats them all as <c>invalid_grant</c>.</summary>
    private static string NormalizeError(string error) => error switch
    {
        "bad_verification_code" or "bad_refresh_token" or "invalid_code" or "invalid_refresh_token" or "token_revoked" => "invalid_grant",
        _ => error,
    };

    private static string? Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private AuthenticationHeaderValue BasicAuthentication(OAuthProviderOptions options) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString(options.ClientId)}:{Uri.EscapeDataString(configuration[options.ClientSecretKey] ?? "")}")));
}
