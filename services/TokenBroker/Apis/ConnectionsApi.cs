using Integrations.Audit.Client;
using Integrations.TokenBroker.Client;
using Integrations.TokenBroker.Connections;
using Integrations.TokenBroker.Providers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Integrations.TokenBroker.Apis;

/// <summary>
/// <c>/api/connections</c>, for services and operators with the broker API key: list connections
/// (never a token), get an access token for one declared action, and revoke a connection. The
/// caller names itself in <c>X-Actor</c>; refusals are audited under that name. Status codes:
/// 403 when the action's scope was not granted, 409 when the connection needs re-authorization
/// (the provider refused its refresh token), 503 when the provider is unavailable.
/// </summary>
public static class ConnectionsApi
{
    public const string ActorHeader = "X-Actor";

    public static RouteGroupBuilder MapConnectionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/connections").RequireApiKey(BrokerOptions.ApiKeyConfiguration);
        api.MapGet("/", ListConnections);
        api.MapGet("/{id:guid}/token", GetAccessToken);
        api.MapDelete("/{id:guid}", RevokeConnection);
        return api;
    }

    public static async Task<Ok<IReadOnlyList<BrokerConnection>>> ListConnections(string? provider, ConnectionStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(provider?.ToLowerInvariant(), cancellationToken));

    public static async Task<Results<Ok<BrokeredAccessToken>, ValidationProblem, ProblemHttpResult>> GetAccessToken(
        Guid id, string? action, [FromHeader(Name = ActorHeader)] string? actor, AccessTokenIssuer issuer, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(action))
        {
            errors["action"] = ["action (the business action the token is for) is required."];
        }

        if (string.IsNullOrWhiteSpace(actor) || actor.Length > 200)
        {
            errors[ActorHeader] = [$"The {ActorHeader} header (the calling service or user) is required, at most 200 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        TokenOutcome outcome;
        try
        {
            outcome = await issuer.GetAsync(id, action!, actor!, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return AuditUnavailable();
        }

        return outcome.Kind switch
        {
            TokenOutcomeKind.Issued => TypedResults.Ok(outcome.Token!),
            TokenOutcomeKind.UnknownConnection => UnknownConnection(),
            TokenOutcomeKind.UnknownAction => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["action"] = [$"'{action}' is not a declared action."] }),
            TokenOutcomeKind.ScopeNotGranted => TypedResults.Problem(
                title: "Scope not granted.",
                detail: $"The action {action} needs the {outcome.Provider} scope '{outcome.RequiredScope}', which this connection was not granted. Widening scopes needs a new authorization.",
                statusCode: StatusCodes.Status403Forbidden),
            TokenOutcomeKind.NeedsReauthorization => TypedResults.Problem(
                title: "Connection needs re-authorization.",
                detail: $"The {outcome.Provider} grant of this connection was revoked or expired; the account must authorize again.",
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["status"] = ConnectionStatus.NeedsReauth }),
            _ => TypedResults.Problem(
                title: "Provider unavailable.",
                detail: $"The {outcome.Provider} token endpoint could not refresh the token; retry later.",
                statusCode: StatusCodes.Status503ServiceUnavailable),
        };
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RevokeConnection(
        Guid id, [FromHeader(Name = ActorHeader)] string? actor, ConnectionStore store, OAuthProviderClient providers, AuditClient audit,
        ILogger<ConnectionStore> logger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ActorHeader] = [$"The {ActorHeader} header is required."] });
        }

        if (await store.ReadGrantAsync(id, cancellationToken) is not { } grant)
        {
            return UnknownConnection();
        }

        try
        {
            await providers.RevokeAsync(grant.Provider, grant.AccessToken, grant.RefreshToken, cancellationToken);
        }
        catch (ProviderUnavailableException)
        {
            return TypedResults.Problem(title: "Provider unavailable.", detail: "The provider's revoke endpoint failed; the connection is kept. Retry later.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        try
        {
            await audit.WriteAsync(new AuditEntry(actor, grant.Provider, "RevokeConnection", $"connection/{id}", null, AuditStatus.Succeeded), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return AuditUnavailable();
        }

        await store.DeleteAsync(id, cancellationToken);
        TokenBrokerLog.Revoked(logger, actor, id);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult UnknownConnection() =>
        TypedResults.Problem(title: "Unknown connection.", detail: "No connection has that id.", statusCode: StatusCodes.Status404NotFound);

    internal static ProblemHttpResult AuditUnavailable() =>
        TypedResults.Problem(title: "Audit store unavailable.", detail: "The request was not completed because it could not be audited; retry later.", statusCode: StatusCodes.Status503ServiceUnavailable);
}
