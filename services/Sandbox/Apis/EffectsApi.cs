using Microsoft.AspNetCore.Http.HttpResults;

namespace Integrations.Sandbox.Apis;

/// <summary><c>/_sandbox/effects</c>: what the emulated providers were made to do, for tests and developers.</summary>
public static class EffectsApi
{
    public static RouteGroupBuilder MapEffectsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("_sandbox/effects");
        api.MapGet("/", ListEffects);
        return api;
    }

    public static Ok<IReadOnlyList<Effect>> ListEffects(EffectLog effects, string? provider = null, string? kind = null) =>
        TypedResults.Ok(effects.List(provider, kind));
}
