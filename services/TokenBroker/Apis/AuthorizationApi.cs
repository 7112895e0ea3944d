using Integrations.Audit.Client;
using Integrations.TokenBroker.Client;
using Integrations.TokenBroker.Connections;
using Integrations.TokenBroker.Providers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Integrations.TokenBroker.Apis;

/// <summary>
/// The authorization code flow with PKCE (S256). Only an operator starts it:
/// <c>POST /api/connections/authorizations</c> (the broker API key, the caller named in <c>X-Actor</c>)
/// creates a single-use <c>state</c> (valid <see cref="BrokerOptions.StateLifetime"/>, 10 minutes by
/// default) and a code verifier, stores both (the state hashed, the verifier encrypted) with the
/// operator's name, and answers the provider's consent URL with the S256 challenge and the provider's
/// read-only default scopes, or the requested scopes if each is one an action declares. The one public
/// endpoint, <c>GET /oauth/callback</c>, redeems the state once, exchanges the code with the verifier,
/// asks the provider who the token's user is, and stores the connection under that account once the
/// audit log has recorded it (actor: the operator). An unknown, replayed or expired state gets 400, and
/// a code the provider refuses (a PKCE mismatch included) gets 400 too. No caller can name the account
/// a grant is stored under, so nobody can replace another account's tokens with their own.
/// </summary>
public static class AuthorizationApi
{
    public static IEndpointRouteBuilder MapAuthorizationApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/connections/authorizations", StartAuthorization).RequireApiKey(BrokerOptions.ApiKeyConfiguration);
        app.MapGet("/oauth/callback", CompleteAuthorization);
        return app;
    }

    public static async Task<Results<Ok<AuthorizationStarted>, ValidationProblem, ProblemHttpResult>> StartAuthorization(
        StartAuthorizationRequest body, [FromHeader(Name = ConnectionsApi.ActorHeader)] string? actor, HttpRequest request,
        IOptionsMonitor<OAuthProviderOptions> providers, IOptionsMonitor<BrokerOptions> options, ConnectionStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > 200 || actor.Any(char.IsControl))
        {
            errors[ConnectionsApi.ActorHeader] = [$"The {ConnectionsApi.ActorHeader} header (who starts the authorization) is required, at most 200 characters."];
        }

        // A control character (a NUL above all, which PostgreSQL text refuses) is no login hint.
        if (body.LoginHint is { } hint && (hint.Length is 0 or > 320 || hint.Any(char.IsControl)))
        {
            errors["loginHint"] = ["loginHint, when given, is 1 to 320 characters with no control characters."];
        }

        var provider = (body.Provider ?? "").ToLowerInvariant();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!OAuthProviderOptions.Known.Contains(provider) || providers.Get(provider) is not { IsConfigured: true } settings)
        {
            return TypedResults.Problem(title: "Unknown provider.", detail: "No OAuth app is configured for that provider.", statusCode: StatusCodes.Status404NotFound);
        }

        var broker = options.CurrentValue;
        var requested = body.Scopes?.SelectMany(s => s.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray() ?? [];
        var declared = broker.Actions.Values.Where(a => a.Provider == provider).Select(a => a.Scope).Concat(settings.DefaultScopes).ToHashSet(StringComparer.Ordinal);
        if (requested.FirstOrDefault(s => !declared.Contains(s)) is { } undeclared)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["scopes"] = [$"No action of {provider} needs the scope '{undeclared}'."] });
        }

        var scopes = requested.Length > 0 ? requested : [.. settings.DefaultScopes];
        var state = Pkce.NewState();
        var verifier = Pkce.NewVerifier();
        var baseUrl = broker.PublicBaseUrl?.AbsoluteUri.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}";
        var redirectUri = $"{baseUrl}/oauth/callback";
        var expiresAt = time.GetUtcNow() + broker.StateLifetime;
        await store.CreateAuthorizationAsync(Pkce.HashState(state), new PendingAuthorization(provider, body.LoginHint, scopes, verifier, redirectUri, actor!),
            expiresAt, cancellationToken);

        var query = QueryString.Create(new Dictionary<string, string?>
        {
            ["client_id"] = settings.ClientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = string.Join(settings.ScopeSeparator, scopes),
            ["state"] = state,
            ["code_challenge"] = Pkce.Challenge(verifier),
            ["code_challenge_method"] = "S256",
            ["login_hint"] = body.LoginHint,
            ["access_type"] = "offline",
        }.Where(p => p.Value is not null));
        var consent = new Uri(settings.Resolve(settings.AuthorizeEndpoint!).GetLeftPart(UriPartial.Path) + query.ToUriComponent());
        return TypedResults.Ok(new AuthorizationStarted(provider, consent, expiresAt));
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

        // The account is whoever the provider says approved, not anything the caller said.
        string account;
        try
        {
            account = await providers.IdentifyAsync(pending.Provider, tokens, cancellationToken);
        }
        catch (ProviderUnavailableException)
        {
            TokenBrokerLog.CallbackRefused(logger, "the provider did not identify the user");
            return TypedResults.Problem(title: "Provider unavailable.", detail: "The provider did not say whose account was authorized; start the authorization again.", statusCode: StatusCodes.Status502BadGateway);
        }

        // A provider that does not echo the scopes granted them as requested.
        var granted = tokens.Scopes.Count > 0 ? tokens : tokens with { Scopes = pending.Scopes };
        BrokerConnection connection;
        try
        {
            connection = await store.SaveConnectionAsync(pending.Provider, account, granted,
                (saved, ct) => audit.WriteAsync(new AuditEntry(pending.RequestedBy, pending.Provider, "ConnectAccount", $"connection/{saved.Id}", null, AuditStatus.Succeeded), ct),
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
