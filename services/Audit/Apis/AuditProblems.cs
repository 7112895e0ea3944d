using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Integrations.Audit.Apis;

/// <summary>How a database outage reaches callers: 503 problem details that say what did not happen.</summary>
public static class AuditProblems
{
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: IOException or SocketException or TimeoutException } => true,
        SocketException or TimeoutException or ChannelClosedException => true,
        Writing.AuditWriterStoppedException => true,
        _ => false,
    };

    public static ProblemHttpResult Unavailable(string detail) => TypedResults.Problem(
        title: "The audit store is unavailable.",
        detail: detail,
        statusCode: StatusCodes.Status503ServiceUnavailable);
}
