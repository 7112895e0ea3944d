using Integrations.Audit.Client;
using Integrations.TokenBroker.Connections;
using Integrations.TokenBroker.Providers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Integrations.TokenBroker.Apis;

/// <summary>
/// <c>POST /api/apps/{provider}/client-secret-rotations</c>: records that an operator rotated an
/// OAuth app's client secret (the new secret arrives through configuration, e.g.
/// <c>GOOGLE_CLIENT_SECRET</c>). The record says who, when and which app, in the broker's table and
/// in the audit log; it never holds the secret. Requires the broker API key.
/// </summary>
public static class ClientSecretsApi
{
    public static RouteGroupBuilder MapClientSecretsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/apps/{provider}/client-secret-rotations").RequireApiKey(BrokerOptions.ApiKeyConfiguration);
        api.MapPost("/", RecordClientSecretRotation);
        return api;
    }

    public static async Task<Results<Created<ClientSecretRotation>, ValidationProblem, ProblemHttpResult>> RecordClientSecretRotation(
        string provider, ClientSecretRotationRequest request, IOptionsMonitor<OAuthProviderOptions> providers, ConnectionStore store,
        AuditClient audit, TimeProvider time, ILogger<ConnectionStore> logger, CancellationToken cancellationToken)
    {
        provider = provider.ToLowerInvariant();
        if (!OAuthProviderOptions.Known.Contains(provider) || providers.Get(provider) is not { IsConfigured: true } settings)
        {
            return TypedResults.Problem(title: "Unknown provider.", detail: "No OAuth app is configured for that provider.", statusCode: StatusCodes.Status404NotFound);
        }

        if (string.IsNullOrWhiteSpace(request.Actor) || request.Actor.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["actor"] = ["actor (who rotated) is required, at most 200 characters."] });
        }

        try
        {
            await audit.WriteAsync(new AuditEntry(request.Actor, provider, "RotateClientSecret", $"app/{settings.ClientId}", null, AuditStatus.Succeeded), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return ConnectionsApi.AuditUnavailable();
        }

        await store.RecordClientSecretRotationAsync(provider, settings.ClientId, request.Actor, cancellationToken);
        TokenBrokerLog.ClientSecretRotated(logger, request.Actor, provider);
        var rotation = new ClientSecretRotation(provider, settings.ClientId, request.Actor, time.GetUtcNow());
        return TypedResults.Created($"/api/apps/{provider}/client-secret-rotations", rotation);
    }
}
