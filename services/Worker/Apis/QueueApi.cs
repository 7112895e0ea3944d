using Integrations.Worker.Queue;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Integrations.Worker.Apis;

/// <summary>
/// <c>/api/dead-letters</c> (list, redrive) and <c>/api/deliveries/{provider}/{deliveryId}/replay</c>.
/// Requires the worker's admin API key.
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

    public static async Task<Ok<RedriveResult>> Redrive(QueueAdministration queue, CancellationToken cancellationToken, string? provider = null) =>
        TypedResults.Ok(new RedriveResult(await queue.RedriveAsync(provider?.ToLowerInvariant(), cancellationToken)));

    public static async Task<Results<Accepted, NotFound<ProblemDetails>>> Replay(
        string provider, string deliveryId, QueueAdministration queue, CancellationToken cancellationToken) =>
        await queue.ReplayAsync(provider.ToLowerInvariant(), deliveryId, cancellationToken)
            ? TypedResults.Accepted($"/deliveries/{provider}/{deliveryId}")
            : TypedResults.NotFound(new ProblemDetails
            {
                Title = "Nothing to replay.",
                Detail = "No stored delivery has that provider and id, or a worker is processing it right now.",
                Status = StatusCodes.Status404NotFound,
            });
}

public sealed record RedriveResult(int Requeued);
