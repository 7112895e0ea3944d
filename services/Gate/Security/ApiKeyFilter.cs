using System.Security.Cryptography;
using System.Text;
using Integrations.Gate.Client;
using Microsoft.Extensions.Options;

namespace Integrations.Gate.Security;

/// <summary>
/// Admits only callers that send the gate's API key in <c>X-Api-Key</c>. Both sides are hashed
/// with SHA-256 and compared with <see cref="CryptographicOperations.FixedTimeEquals"/>, so the
/// comparison takes the same time whatever the key's length or content. Refusals are 401 problem
/// details; neither the key sent nor the key expected is logged or echoed.
/// </summary>
public sealed class ApiKeyFilter(IOptions<GateOptions> options, ILogger<ApiKeyFilter> logger) : IEndpointFilter
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var http = context.HttpContext;
        var sent = http.Request.Headers[GateApiKey.HeaderName];
        if (sent.Count != 1 || string.IsNullOrEmpty(sent[0]))
        {
            return Refuse(http, "no API key");
        }

        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(sent[0]!));
        if (!CryptographicOperations.FixedTimeEquals(actual, _expected))
        {
            return Refuse(http, "wrong API key");
        }

        return await next(context);
    }

    private IResult Refuse(HttpContext http, string reason)
    {
        GateLog.Unauthenticated(logger, http.Request.Path, reason);
        http.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{GateApiKey.HeaderName}\"";
        return TypedResults.Problem(
            title: "Authentication required.",
            detail: $"Send the gate's API key in the {GateApiKey.HeaderName} header.",
            statusCode: StatusCodes.Status401Unauthorized);
    }
}
