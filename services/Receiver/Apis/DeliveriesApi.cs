using Integrations.Receiver.Client;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Integrations.Receiver.Apis;

/// <summary>
/// <c>/deliveries</c>: each stored delivery's state (received, processing, done, failed, dead).
/// Requires the receiver's admin API key: delivery ids and states are operator information.
/// </summary>
public static class DeliveriesApi
{
    private const int MaxLimit = 500;

    public static RouteGroupBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("deliveries").RequireApiKey(SecretsApi.AdminKeyConfiguration);
        api.MapGet("/{provider}", ListDeliveries);
        api.MapGet("/{provider}/{deliveryId}", GetDelivery);
        return api;
    }

    public static async Task<Results<Ok<DeliveryStatus>, NotFound<ProblemDetails>>> GetDelivery(
        string provider, string deliveryId, DeliveryQueries queries, CancellationToken cancellationToken)
    {
        var status = await queries.GetAsync(provider.ToLowerInvariant(), deliveryId, cancellationToken);
        return status is null
            ? TypedResults.NotFound(new ProblemDetails { Title = "Unknown delivery.", Detail = "No delivery with that provider and id is stored.", Status = StatusCodes.Status404NotFound })
            : TypedResults.Ok(status);
    }

    public static async Task<Results<Ok<IReadOnlyList<DeliveryStatus>>, ValidationProblem>> ListDeliveries(
        string provider, DeliveryQueries queries, CancellationToken cancellationToken, string? state = null, int limit = 100)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] });
        }

        if (state is not null && !DeliveryState.All.Contains(state))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = [$"state must be one of: {string.Join(", ", DeliveryState.All)}."] });
        }

        return TypedResults.Ok(await queries.ListAsync(provider.ToLowerInvariant(), state, limit, cancellationToken));
    }
}
