namespace Integrations.Gate.Apis;

public static class GateApi
{
    /// <summary>Maps <c>/api/*</c> behind the API key; <c>/health</c>, <c>/alive</c> and <c>/openapi/*</c> stay open.</summary>
    public static RouteGroupBuilder MapGateApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api").RequireApiKey("Gate:ApiKey");
        api.MapIdempotencyApi();
        api.MapRateLimitsApi();
        return api;
    }
}
