using Microsoft.AspNetCore.Http.HttpResults;

namespace Integrations.Gate.Apis;

internal static class GateProblems
{
    public static ProblemHttpResult RedisUnavailable(string what) => TypedResults.Problem(
        title: "The gate's store is unavailable.",
        detail: $"Redis cannot be reached, so {what}; retry later.",
        statusCode: StatusCodes.Status503ServiceUnavailable);

    public static bool IsUnavailable(Exception exception) =>
        exception is StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException;
}
