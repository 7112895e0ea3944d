using Integrations.Audit.Client;
using Integrations.TokenBroker.Client;
using Integrations.TokenBroker.Connections;
using Integrations.TokenBroker.Providers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Integrations.TokenBroker.Apis;

/// <summary>
/// The two public endpoints of the authorization code flow with PKCE (S256).
/// <c>GET /oauth/{provider}/authorize</c> creates a single-use <c>state</c> (valid
/// <see cref="BrokerOptions.StateLifetime"/>, 10 minutes by default) and a code verifier, stores
/// both (the state hashed, the verifier encrypted), and redirects to the provider with the S256
/// challenge and the provider's read-only default scopes, or the requested scopes if each is one
/// an action declares. <c>GET /oauth/callback</c> redeems the state once, exchanges the code with
/// the verifier, and stores the connection once the audit log has recorded it; an unknown, replayed or expired state gets 400, and a
/// code the provider refuses (a PKCE mismatch included) gets 400 too. An <c>account</c> that is empty, longer than
/// 320 characters or holds a control character gets 400 before anything is stored.
/// </summary>
public static class AuthorizationApi
{
    public static RouteGroupBuilder MapAuthorizationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("oauth");
        api.MapGet("/{provider}/authorize", StartAuthorization);
        api.MapGet("/callback", CompleteAuthorization);
        return api;
    }

    public static async Task<Results<RedirectHttpResult, ValidationProblem, ProblemHttpResult>> StartAuthorization(
        string provider, string? account, string? scope, HttpRequest request, IOptionsMonitor<OAuthProviderOptions> providers,
        IOptionsMonitor<BrokerOptions> options, ConnectionStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        provider = provider.ToLowerInvariant();
        if (!OAuthProviderOptions.Known.Contains(provider) || providers.Get(provider) is not { IsConfigured: true } settings)
        {
            return TypedResults.Problem(title: "Unknown provider.", detail: "No OAuth app is configured for that provider.", statusCode: StatusCodes.Status404NotFound);
        }

        // A control character (a NUL above all, which PostgreSQL text refuses) is no login hint.
        if (string.IsNullOrWhiteSpace(account) || account.Length > 320 || account.Any(char.IsControl))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["account"] = ["account (the login hint) is required, at most 320 characters, with no control characters."] });
        }

        var broker = options.CurrentValue;
        var requested = scope?.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var declared = broker.Actions.Values.Where(a => a.Provider == provider).Select(a => a.Scope).Concat(settings.DefaultScopes).ToHashSet(StringComparer.Ordinal);
        if (requested.FirstOrDefault(s => !declared.Contains(s)) is { } undeclared)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["scope"] = [$"No action of {provider} needs the scope '{undeclared}'."] });
        }

        var scopes = requested.Length > 0 ? requested : [.. settings.DefaultScopes];
        var state = Pkce.NewState();
        var verifier = Pkce.NewVerifier();
        var baseUrl = broker.PublicBaseUrl?.AbsoluteUri.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}";
        var redirectUri = $"{baseUrl}/oauth/callback";
        await store.CreateAuthorizationAsync(Pkce.HashState(state), new PendingAuthorization(provider, account!, scopes, verifier, redirectUri),
            time.GetUtcNow() + broker.StateLifetime, cancellationToken);

        var query = QueryString.Create(new Dictionary<string, string?>
        {
            ["client_id"] = settings.ClientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = string.Join(settings.ScopeSeparator, scopes),
            ["state"] = state,
            ["code_challenge"] = Pkce.Challenge(verifier),
            ["code_challenge_method"] = "S256",
            ["login_hint"] = account!,
            ["access_type"] = "offline",
        });
        return TypedResults.Redirect(settings.Resolve(settings.AuthorizeEndpoint!).GetLeftPart(UriPartial.Path) + query.ToUriComponent());
    }

    public static async Task<Results<Ok<BrokerConnection>, ProblemHttpResult>> CompleteAuthorization(
        string? code, string? state, string? error, ConnectionStore store, OAuthProviderClient providers, AuditClient audit,
        ILogger<ConnectionStore> logger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(state) || await store.TakeAuthorizationAsync(Pkce.HashState(state), cancellationToken) is not { } pending)
        {
            TokenBrokerLog.CallbackRefused(logger, "unknown, used or expired state");
            return TypedResults.Problem(title: "Invalid state.", detail: "The state is unknown, already used or expired; start the authorization again.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!string.IsNullOrEmpty(error) || string.IsNullOrEmpty(code))
        {
            TokenBrokerLog.CallbackRefused(logger, "the provider returned no code");
            return TypedResults.Problem(title: "Authorization not granted.", detail: "The provider returned no authorization code.", statusCode: StatusCodes.Status400BadRequest);
        }

        ProviderTokens tokens;
        try
        {
            tokens = await providers.ExchangeCodeAsync(pending.Provider, code, pending.CodeVerifier, pending.RedirectUri, cancellationToken);
        }
        catch (ProviderGrantRefusedException ex)
        {
            TokenBrokerLog.CallbackRefused(logger, $"the provider refused the code ({ex.Error})");
            return TypedResults.Problem(title: "Authorization code refused.", detail: $"The provider refused the code: {ex.Error}.", statusCode: StatusCodes.Status400BadRequest);
        }
        catch (ProviderUnavailableException)
        {
            return TypedResults.Problem(title: "Provider unavailable.", detail: "The provider's token endpoint could not be reached; start the authorization again.", statusCode: StatusCodes.Status502BadGateway);
        }

        // A provider that does not echo the scopes granted them as requested.
        var granted = tokens.Scopes.Count > 0 ? tokens : tokens with { Scopes = pending.Scopes };
        BrokerConnection connection;
        try
        {
            connection = await store.SaveConnectionAsync(pending.Provider, pending.Account, granted,
                (saved, ct) => audit.WriteAsync(new AuditEntry(pending.Account, pending.Provider, "ConnectAccount", $"connection/{saved.Id}", null, AuditStatus.Succeeded), ct),
                cancellationToken);
        }
        catch (HttpRequestException)
        {
            return TypedResults.Problem(title: "Audit store unavailable.", detail: "The connection was not stored because it could not be audited; start the authorization again.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        TokenBrokerLog.Connected(logger, connection.Provider, connection.Account, connection.Id, string.Join(' ', connection.Scopes));
        return TypedResults.Ok(connection);
    }
}
