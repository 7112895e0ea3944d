using Integrations.Worker.Client;
using System.Text.Json;
using Integrations.Audit.Client;
using Integrations.Worker.Queue;
using Integrations.Worker.Replay;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Integrations.Worker.Apis;

/// <summary>
/// <c>/api/dead-letters</c> (list, redrive), <c>/api/deliveries/{provider}/{deliveryId}/replay</c> and its
/// dry run, <c>/replay-preview</c>. Requires the worker's admin API key. Redrive and replay are audited
/// with the caller named in <c>X-Actor</c> (<c>operator</c> when it is absent) and what they did: how many
/// deliveries a redrive requeued, which delivery a replay requeued. The change commits only once its row
/// is written; when the audit store cannot be reached nothing changes and the answer is 503. A preview
/// changes nothing and calls nothing, so, like the dead-letter list, it is a read and is not audited.
/// </summary>
public static class QueueApi
{
    public const string AdminKeyConfiguration = "Worker:AdminApiKey";
    private const int MaxLimit = 500;

    public static RouteGroupBuilder MapQueueApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api").RequireApiKey(AdminKeyConfiguration);
        api.MapGet("/dead-letters", ListDeadLetters);
        api.MapPost("/dead-letters/redrive", Redrive);
        api.MapPost("/deliveries/{provider}/{deliveryId}/replay", Replay);
        api.MapGet("/deliveries/{provider}/{deliveryId}/replay-preview", PreviewReplay)
            .WithSummary("What a replay of the delivery would do.")
            .WithDescription("Runs the delivery's flow in preview mode: lists each effect a replay would skip, run or fail on, with its idempotency key and whether it already exists. No provider is called, nothing is written, the delivery is not claimed.")
            .Produces<ReplayPreview>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Results<Ok<IReadOnlyList<DeadLetter>>, ValidationProblem>> ListDeadLetters(
        QueueAdministration queue, CancellationToken cancellationToken, string? provider = null, int limit = 100)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] });
        }

        return TypedResults.Ok(await queue.ListDeadAsync(provider?.ToLowerInvariant(), limit, cancellationToken));
    }

    public const string ActorHeader = WorkerClient.ActorHeader;

    public static async Task<Results<Ok<RedriveResult>, ValidationProblem, ProblemHttpResult>> Redrive(
        QueueAdministration queue, AuditClient audit, [FromHeader(Name = ActorHeader)] string? actor, CancellationToken cancellationToken, string? provider = null)
    {
        if (Actor(actor) is not { } who)
        {
            return ActorRequired();
        }

        var scope = provider?.ToLowerInvariant();
        try
        {
            var requeued = await queue.RedriveAsync(scope, (count, ct) => audit.WriteAsync(
                new AuditEntry(who, scope ?? "all", "RedriveDeadLetters", $"dead-letters/{scope ?? "all"}", null, AuditStatus.Succeeded,
                    Details: JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["requeued"] = count })), ct), cancellationToken);
            return TypedResults.Ok(new RedriveResult(requeued));
        }
        catch (HttpRequestException)
        {
            return AuditUnavailable();
        }
    }

    public static async Task<Results<Accepted, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> Replay(
        string provider, string deliveryId, QueueAdministration queue, AuditClient audit, [FromHeader(Name = ActorHeader)] string? actor, CancellationToken cancellationToken)
    {
        if (Actor(actor) is not { } who)
        {
            return ActorRequired();
        }

        var name = provider.ToLowerInvariant();
        bool replayed;
        try
        {
            replayed = await queue.ReplayAsync(name, deliveryId, ct => audit.WriteAsync(
                new AuditEntry(who, name, "ReplayDelivery", $"delivery/{name}/{deliveryId}", null, AuditStatus.Succeeded), ct), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return AuditUnavailable();
        }

        return replayed
            ? TypedResults.Accepted($"/deliveries/{provider}/{deliveryId}")
            : TypedResults.NotFound(new ProblemDetails
            {
                Title = "Nothing to replay.",
                Detail = "No stored delivery has that provider and id, or a worker is processing it right now.",
                Status = StatusCodes.Status404NotFound,
            });
    }

    public static async Task<Results<Ok<ReplayPreview>, NotFound<ProblemDetails>>> PreviewReplay(
        string provider, string deliveryId, ReplayPreviewer previewer, CancellationToken cancellationToken)
    {
        return await previewer.PreviewAsync(provider.ToLowerInvariant(), deliveryId, cancellationToken) is { } preview
            ? TypedResults.Ok(preview)
            : TypedResults.NotFound(new ProblemDetails
            {
                Title = "No such delivery.",
                Detail = "No stored delivery has that provider and id.",
                Status = StatusCodes.Status404NotFound,
            });
    }

    /// <summary>The caller's name for the audit log: <c>operator</c> when unnamed; null when the header is not a usable name.</summary>
    internal static string? Actor(string? header) =>
        string.IsNullOrWhiteSpace(header) ? "operator" : header.Length <= 200 && !header.Any(char.IsControl) ? header.Trim() : null;

    internal static ValidationProblem ActorRequired() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ActorHeader] = [$"{ActorHeader} names the caller: at most 200 characters, no control characters."] });

    private static ProblemHttpResult AuditUnavailable() =>
        TypedResults.Problem(title: "Audit store unavailable.", detail: "Nothing was requeued, because it could not be audited; retry later.", statusCode: StatusCodes.Status503ServiceUnavailable);
}
