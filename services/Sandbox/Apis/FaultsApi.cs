using Integrations.Sandbox.Faults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Integrations.Sandbox.Apis;

/// <summary><c>/_sandbox/faults</c> to add, list and clear fault rules; <c>/_sandbox/calls</c> to read the call log.</summary>
public static class FaultsApi
{
    public static RouteGroupBuilder MapFaultsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("_sandbox");
        api.MapGet("/faults", (FaultInjector faults) => TypedResults.Ok(faults.List()));
        api.MapPost("/faults", AddFault);
        api.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Clear();
            return TypedResults.NoContent();
        });
        api.MapGet("/calls", (CallLog calls, string? route, string? traceId) => TypedResults.Ok(calls.List(route, traceId)));
        return api;
    }

    public static Results<Created<ActiveRule>, ValidationProblem> AddFault(FaultRule rule, FaultInjector faults)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(rule.Route) || !rule.Route.StartsWith('/'))
        {
            errors["route"] = ["route is a path prefix starting with '/', e.g. /slack/api/chat.postMessage."];
        }

        if (!FaultInjector.Kinds.Contains(rule.Kind ?? ""))
        {
            errors["kind"] = [$"kind must be one of: {string.Join(", ", FaultInjector.Kinds)}."];
        }

        if (rule.Kind == "status" && rule.Status is not (>= 400 and <= 599))
        {
            errors["status"] = ["status must be an HTTP error status (400-599)."];
        }

        if (rule.Kind == "acted" && rule.Status is not (null or (>= 500 and <= 599)))
        {
            errors["status"] = ["status of an 'acted' fault must be a server error (500-599), or left out for 502."];
        }

        if ((rule.Kind is "latency" or "stall" && rule.Latency is null) || rule.Latency < TimeSpan.Zero || rule.Latency > TimeSpan.FromMinutes(2))
        {
            errors["latency"] = ["latency is required for kinds 'latency' and 'stall', between 0 and 2 minutes."];
        }

        if (rule.Count is < 1)
        {
            errors["count"] = ["count must be at least 1, or left out for every call."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var id = faults.Add(rule);
        return TypedResults.Created($"/_sandbox/faults/{id}", new ActiveRule(id, rule, rule.Count));
    }
}
