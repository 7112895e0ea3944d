using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Integrations.Sandbox.OAuth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Integrations.Sandbox.Apis;

/// <summary>
/// The authorization servers of Google, GitHub and Slack, at the paths the token broker reaches
/// when its provider base URLs point here. Authorize auto-approves (the account is the
/// <c>login_hint</c>) and redirects back with <c>code</c> and <c>state</c>; the token endpoints take
/// form-encoded POSTs, verify the client and the PKCE S256 verifier, rotate refresh tokens, and
/// answer in each provider's own format: Google JSON with 400 <c>{"error":"invalid_grant"}</c>,
/// GitHub JSON 200 with <c>error</c> (<c>bad_verification_code</c>, <c>bad_refresh_token</c>),
/// Slack <c>{"ok":false,"error":"invalid_code"}</c>. Tests use <c>/_sandbox/oauth</c> to count
/// refreshes, to make an account's refresh tokens invalid and to make its next refreshes fail with 503
/// or answer slowly.
/// </summary>
public static class OAuthApi
{
    public static IEndpointRouteBuilder MapOAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/google/o/oauth2/v2/auth", (HttpRequest r, OAuthGrantStore s, IOptions<OAuthClientOptions> o) => Authorize("google", ' ', r, s, o.Value));
        app.MapPost("/google/token", (HttpRequest r, OAuthGrantStore s, IOptions<OAuthClientOptions> o) => Token("google", r, s, o.Value)).DisableAntiforgery();
        app.MapPost("/google/revoke", Revoke).DisableAntiforgery();

        app.MapGet("/github/login/oauth/authorize", (HttpRequest r, OAuthGrantStore s, IOptions<OAuthClientOptions> o) => Authorize("github", ' ', r, s, o.Value));
        app.MapPost("/github/login/oauth/access_token", (HttpRequest r, OAuthGrantStore s, IOptions<OAuthClientOptions> o) => Token("github", r, s, o.Value)).DisableAntiforgery();
        app.MapDelete("/github/applications/{clientId}/token", RevokeGitHub);

        app.MapGet("/slack/api/oauth/v2/authorize", (HttpRequest r, OAuthGrantStore s, IOptions<OAuthClientOptions> o) => Authorize("slack", ',', r, s, o.Value));
        app.MapPost("/slack/api/oauth.v2.access", (HttpRequest r, OAuthGrantStore s, IOptions<OAuthClientOptions> o) => Token("slack", r, s, o.Value)).DisableAntiforgery();
        app.MapPost("/slack/api/auth.revoke", RevokeSlack).DisableAntiforgery();

        // Who the token's user is, as the broker asks after the code exchange.
        app.MapGet("/github/user", GitHubUser);
        app.MapPost("/_sandbox/oauth/sign-in-next", (string account, OAuthGrantStore grants) =>
        {
            grants.SignInNextAs(account);
            return TypedResults.NoContent();
        });

        var admin = app.MapGroup("_sandbox/oauth/accounts/{account}");
        admin.MapGet("/", AccountState);
        admin.MapPost("/invalidate-refresh-tokens", InvalidateRefreshTokens);
        admin.MapPost("/fail-next-refreshes", FailNextRefreshes);
        admin.MapPost("/refresh-delay", SetRefreshDelay);
        return app;
    }

    public static IResult Authorize(string provider, char scopeSeparator, HttpRequest request, OAuthGrantStore grants, OAuthClientOptions clients)
    {
        var query = request.Query;
        string clientId = query["client_id"].ToString(), redirectUri = query["redirect_uri"].ToString();
        if (!clients.Clients.TryGetValue(provider, out var client) || !FixedTimeEquals(client.ClientId, clientId)
            || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var redirect))
        {
            return Results.Text("invalid_client or redirect_uri", statusCode: StatusCodes.Status400BadRequest);
        }

        var state = query["state"].ToString();
        if (query["response_type"] != "code" || query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
        {
            return Results.Redirect(WithQuery(redirect, ("error", "invalid_request"), ("state", state)));
        }

        var scope = string.Join(' ', query["scope"].ToString().Split(scopeSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var account = grants.SignedInAccount(query["login_hint"].ToString());
        var code = grants.IssueCode(provider, clientId, redirectUri, scope, account, query["code_challenge"].ToString());
        return Results.Redirect(WithQuery(redirect, ("code", code), ("state", state)));
    }

    public static async Task<IResult> Token(string provider, HttpRequest request, OAuthGrantStore grants, OAuthClientOptions clients)
    {
        if (!request.HasFormContentType)
        {
            return Error(provider, "invalid_request");
        }

        var form = await request.ReadFormAsync();
        var (clientId, clientSecret) = ClientCredentials(request, form);
        if (!clients.Clients.TryGetValue(provider, out var client) || !FixedTimeEquals(client.ClientId, clientId) || !FixedTimeEquals(client.ClientSecret, clientSecret))
        {
            return Error(provider, "invalid_client");
        }

        if (form["grant_type"] == "refresh_token" && grants.ShouldFailTransiently(form["refresh_token"].ToString()))
        {
            return Results.Json(new { error = "temporarily_unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (form["grant_type"] == "refresh_token" && grants.RefreshDelay(form["refresh_token"].ToString()) is { Ticks: > 0 } delay)
        {
            await Task.Delay(delay, request.HttpContext.RequestAborted);
        }

        var issued = form["grant_type"].ToString() switch
        {
            "authorization_code" => grants.RedeemCode(provider, form["code"].ToString(), clientId, form["redirect_uri"].ToString(), form["code_verifier"].ToString()),
            "refresh_token" => grants.Refresh(provider, form["refresh_token"].ToString(), clientId),
            _ => null,
        };
        if (issued is null)
        {
            return Error(provider, form["grant_type"] == "refresh_token" ? "invalid_refresh" : "invalid_code");
        }

        return provider switch
        {
            "slack" => Results.Json(new
            {
                ok = true, access_token = issued.AccessToken, token_type = "bot", scope = issued.Scope.Replace(' ', ','),
                expires_in = issued.ExpiresIn, refresh_token = issued.RefreshToken, authed_user = new { id = issued.Account },
                team = new { id = "T0SANDBOX", name = "Sandbox" },
            }),
            "github" => Results.Json(new
            {
                access_token = issued.AccessToken, token_type = "bearer", scope = issued.Scope.Replace(' ', ','),
                expires_in = issued.ExpiresIn, refresh_token = issued.RefreshToken, refresh_token_expires_in = 15_897_600,
            }),
            _ => Results.Json(new
            {
                access_token = issued.AccessToken, expires_in = issued.ExpiresIn, refresh_token = issued.RefreshToken,
                scope = issued.Scope, token_type = "Bearer",
            }),
        };
    }

    /// <summary>Google: <c>POST /revoke</c> with <c>token</c>; 200, or 400 <c>invalid_token</c>.</summary>
    public static async Task<IResult> Revoke(HttpRequest request, OAuthGrantStore grants)
    {
        var token = request.HasFormContentType ? (await request.ReadFormAsync())["token"].ToString() : request.Query["token"].ToString();
        return grants.Revoke(token) ? Results.Ok() : Results.Json(new { error = "invalid_token" }, statusCode: StatusCodes.Status400BadRequest);
    }

    /// <summary>GitHub: <c>DELETE /applications/{client_id}/token</c>, Basic auth, JSON <c>access_token</c>; 204 or 404.</summary>
    public static async Task<IResult> RevokeGitHub(string clientId, HttpRequest request, OAuthGrantStore grants, IOptions<OAuthClientOptions> clients)
    {
        var (id, secret) = ClientCredentials(request, null);
        if (!clients.Value.Clients.TryGetValue("github", out var client) || client.ClientId != clientId || !FixedTimeEquals(client.ClientId, id) || !FixedTimeEquals(client.ClientSecret, secret))
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var body = await request.ReadFromJsonAsync<Dictionary<string, string>>();
        return body is not null && body.TryGetValue("access_token", out var token) && grants.Revoke(token) ? Results.NoContent() : Results.NotFound();
    }

    /// <summary>Slack: <c>auth.revoke</c> with the token as bearer; <c>{"ok":true,"revoked":true}</c>.</summary>
    public static IResult RevokeSlack(HttpRequest request, OAuthGrantStore grants)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
        return grants.Revoke(token) ? Results.Json(new { ok = true, revoked = true }) : Results.Json(new { ok = false, error = "invalid_auth" });
    }

    /// <summary>GitHub: <c>GET /user</c> with the token (<c>Bearer</c> or <c>token</c>); the user, or 401 <c>Bad credentials</c>.</summary>
    public static IResult GitHubUser(HttpRequest request, OAuthGrantStore grants)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : header.StartsWith("token ", StringComparison.Ordinal) ? header[6..] : "";
        return grants.AccountOfAccessToken("github", token) is { } login
            ? Results.Json(new { login, id = (uint)login.GetHashCode(StringComparison.Ordinal) % 10_000_000, type = "User" })
            : Results.Json(new { message = "Bad credentials", documentation_url = "https://docs.github.com/rest" }, statusCode: StatusCodes.Status401Unauthorized);
    }

    public static Ok<AccountState> AccountState(string account, OAuthGrantStore grants)
    {
        var stats = grants.Stats(account);
        return TypedResults.Ok(new AccountState(account, stats.CodeExchanges, stats.Refreshes, stats.Revocations, stats.RejectedRefreshes, grants.Tokens(account)));
    }

    public static NoContent FailNextRefreshes(string account, int count, OAuthGrantStore grants)
    {
        grants.FailNextRefreshes(account, count);
        return TypedResults.NoContent();
    }

    public static NoContent SetRefreshDelay(string account, int milliseconds, OAuthGrantStore grants)
    {
        grants.Stats(account).RefreshDelay = TimeSpan.FromMilliseconds(Math.Clamp(milliseconds, 0, 10_000));
        return TypedResults.NoContent();
    }

    public static Ok<int> InvalidateRefreshTokens(string account, OAuthGrantStore grants) => TypedResults.Ok(grants.InvalidateRefreshTokens(account));

    /// <summary>Each provider's error for a refused grant or client, in its own envelope.</summary>
    private static IResult Error(string provider, string kind) => provider switch
    {
        "slack" => Results.Json(new { ok = false, error = kind switch { "invalid_refresh" => "invalid_refresh_token", "invalid_client" => "bad_client_secret", _ => kind } }),
        "github" => Results.Json(new { error = kind switch { "invalid_refresh" => "bad_refresh_token", "invalid_code" => "bad_verification_code", "invalid_client" => "incorrect_client_credentials", _ => kind } }),
        _ => Results.Json(
            new { error = kind is "invalid_refresh" or "invalid_code" ? "invalid_grant" : kind },
            statusCode: kind == "invalid_client" ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest),
    };

    private static (string ClientId, string ClientSecret) ClientCredentials(HttpRequest request, IFormCollection? form)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) && header.Scheme == "Basic" && header.Parameter is { } encoded)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded)).Split(':', 2);
                if (pair.Length == 2)
                {
                    return (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
                }
            }
            catch (FormatException)
            {
                return ("", "");
            }
        }

        return form is null ? ("", "") : (form["client_id"].ToString(), form["client_secret"].ToString());
    }

    private static string WithQuery(Uri redirect, params (string Name, string Value)[] parameters)
    {
        var separator = string.IsNullOrEmpty(redirect.Query) ? '?' : '&';
        return redirect.AbsoluteUri + separator + string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));
    }

    private static bool FixedTimeEquals(string expected, string presented) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
