using Integrations.Receiver.Client;
using Integrations.Audit.Client;
using Integrations.Receiver.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Integrations.Receiver.Apis;

/// <summary>
/// <c>/admin/sources/{source}/secrets</c>: rotate a source's signing secrets without downtime.
/// Add the new secret (both verify), move the sender over, then retire the old one. Every change
/// is recorded in the audit log with who, when and which source, and only committed once it is;
/// no response, log or audit row ever holds a secret value. Requires the admin API key.
/// </summary>
public static class SecretsApi
{
    public const string AdminKeyConfiguration = "Receiver:AdminApiKey";
    // Each change is its own audit row, naming the secret's id (never its value).
    private const string AddAction = "AddWebhookSecret";
    private const string RetireAction = "RetireWebhookSecret";

    public static RouteGroupBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("admin/sources/{source}/secrets").RequireApiKey(AdminKeyConfiguration);
        api.MapGet("/", ListSecrets);
        api.MapPost("/", AddSecret);
        api.MapDelete("/{id:long}", RetireSecret);
        return api;
    }

    public static async Task<Results<Ok<IReadOnlyList<SecretInfo>>, ProblemHttpResult>> ListSecrets(
        string source, IOptionsMonitor<ReceiverOptions> options, WebhookSecretStore secrets, CancellationToken cancellationToken) =>
        options.CurrentValue.Sources.ContainsKey(source)
            ? TypedResults.Ok(await secrets.ListAsync(source.ToLowerInvariant(), cancellationToken))
            : UnknownSource();

    public static async Task<Results<Created<SecretInfo>, ValidationProblem, ProblemHttpResult>> AddSecret(
        string source, AddSecretRequest request, IOptionsMonitor<ReceiverOptions> options, WebhookSecretStore secrets,
        AuditClient audit, ILogger<WebhookSecretStore> logger, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Sources.TryGetValue(source, out var sourceOptions))
        {
            return UnknownSource();
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Actor) || request.Actor.Length > 200)
        {
            errors["actor"] = ["actor (who rotates) is required, at most 200 characters."];
        }

        if (string.IsNullOrWhiteSpace(request.Secret) || request.Secret.Length is < 16 or > 512)
        {
            errors["secret"] = ["secret must be 16 to 512 characters."];
        }
        else if (sourceOptions.Scheme == "standard" && StandardWebhooksKey.VerificationKeyProblem(request.Secret) is { } problem)
        {
            errors["secret"] = [$"The secret {problem}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var name = source.ToLowerInvariant();
        try
        {
            var info = await secrets.AddAsync(name, request.Secret, request.Actor,
                (changed, ct) => audit.WriteAsync(new AuditEntry(request.Actor, name, AddAction, $"{name}/secrets/{changed.Id}", null, AuditStatus.Succeeded), ct), cancellationToken);
            ReceiverLog.SecretRotated(logger, request.Actor, "added", name);
            return TypedResults.Created($"/admin/sources/{name}/secrets/{info.Id}", info);
        }
        catch (HttpRequestException)
        {
            return AuditUnavailable();
        }
    }

    public static async Task<Results<NoContent, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ValidationProblem, ProblemHttpResult>> RetireSecret(
        string source, long id, string? actor, IOptionsMonitor<ReceiverOptions> options, WebhookSecretStore secrets,
        AuditClient audit, ILogger<WebhookSecretStore> logger, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Sources.ContainsKey(source))
        {
            return UnknownSource();
        }

        if (string.IsNullOrWhiteSpace(actor) || actor.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["actor"] = ["actor (who rotates) is required."] });
        }

        var name = source.ToLowerInvariant();
        try
        {
            var retired = await secrets.RetireAsync(name, id, actor,
                (changed, ct) => audit.WriteAsync(new AuditEntry(actor, name, RetireAction, $"{name}/secrets/{changed.Id}", null, AuditStatus.Succeeded), ct), cancellationToken);
            if (!retired)
            {
                return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Title = "Unknown secret.",
                    Detail = "No active run-time secret of this source has that id.",
                    Status = StatusCodes.Status404NotFound,
                });
            }

            ReceiverLog.SecretRotated(logger, actor, "retired", name);
            return TypedResults.NoContent();
        }
        catch (HttpRequestException)
        {
            return AuditUnavailable();
        }
    }

    private static ProblemHttpResult UnknownSource() =>
        TypedResults.Problem(title: "Unknown webhook source.", detail: "No webhook source has that name.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult AuditUnavailable() =>
        TypedResults.Problem(title: "Audit store unavailable.", detail: "The rotation was not applied because it could not be audited; retry later.", statusCode: StatusCodes.Status503ServiceUnavailable);
}
