using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Service-to-service and operator authentication with a shared API key in the <c>X-Api-Key</c>
/// header. The AppHost generates each key as a secret parameter. The key is read from
/// configuration on every request (so it can be rotated by configuration reload), compared in
/// constant time, and never logged or echoed; a missing or wrong key gets 401 problem details.
/// </summary>
public static class ApiKeyAuthentication
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>
    /// Requires the key configured at <paramref name="configurationKey"/> on every endpoint of the group.
    /// The check wraps each endpoint's request delegate, so it runs before the request body and
    /// parameters are bound: a caller without the key gets 401 whatever it sends, never a 400 or 500
    /// that would show it reached the handler (an endpoint filter would only run after binding).
    /// </summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, string configurationKey) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationKey);
        builder.Add(endpoint =>
        {
            var next = endpoint.RequestDelegate ?? throw new InvalidOperationException($"{endpoint.DisplayName} has no request delegate to protect.");
            endpoint.RequestDelegate = async context =>
            {
                var expected = context.RequestServices.GetRequiredService<IConfiguration>()[configurationKey];
                var presented = context.Request.Headers[HeaderName].ToString();
                if (string.IsNullOrEmpty(expected) || !FixedTimeEquals(presented, expected))
                {
                    context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\"";
                    await Results.Problem(
                        title: "Authentication required.",
                        detail: $"Send a valid API key in the {HeaderName} header.",
                        statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
                    return;
                }

                await next(context);
            };
        });
        return builder;
    }

    private static bool FixedTimeEquals(string presented, string expected)
    {
        // Hashing first makes the comparison constant-time regardless of the two lengths.
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
