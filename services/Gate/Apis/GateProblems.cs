using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace Integrations.Gate.Apis;

internal static class GateProblems
{
    // Errors Redis answers while it cannot serve yet or for now: loading its data after a restart,
    // busy with a script, or a replica cut off from its primary. Like a lost connection, they are 503.
    private static readonly string[] s_transientServerErrors = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN"];

    public static ProblemHttpResult RedisUnavailable(string what) => TypedResults.Problem(
        title: "The gate's store is unavailable.",
        detail: $"Redis cannot be reached, so {what}; retry later.",
        statusCode: StatusCodes.Status503ServiceUnavailable);

    public static bool IsUnavailable(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException
        || (exception is RedisServerException server
            && s_transientServerErrors.Any(code => server.Message.StartsWith(code + " ", StringComparison.Ordinal)));
}
