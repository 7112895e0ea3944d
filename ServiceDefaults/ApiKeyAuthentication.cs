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
/// header. The AppHost generates each key as a secret parameter. The keys are read from
/// configuration on every request (so they can be rotated by configuration reload), compared in
/// constant time, and never logged or echoed; a missing or wrong key gets 401 problem details.
/// An endpoint may accept a set of named keys, one per caller: the name of the key that matched is
/// the request's <see cref="ApiKeyOwner"/>, which the handler can trust because the caller cannot
/// choose it, only prove it by holding that key.
/// </summary>
public static class ApiKeyAuthentication
{
    public const string HeaderName = ApiKey.HeaderName;

    /// <summary>
    /// Requires the key configured at <paramref name="configurationKey"/> on every endpoint of the group;
    /// its owner is named <paramref name="configurationKey"/>. See <see cref="RequireApiKeys{TBuilder}"/>.
    /// </summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, string configurationKey) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationKey);
        return builder.RequireApiKeys(configuration => [KeyValuePair.Create(configurationKey, configuration[configurationKey])]);
    }

    /// <summary>
    /// Requires one of the keys <paramref name="keysByOwner"/> reads from configuration (owner name, key;
    /// a key that is not set matches nothing) on every endpoint of the group, and sets the request's
    /// <see cref="ApiKeyOwner"/> to the owner of the key that matched (the first, if two owners share a key).
    /// The presented key is compared with every configured key, matched or not, in constant time each.
    /// The check wraps each endpoint's request delegate, so it runs before the request body and
    /// parameters are bound: a caller without a key gets 401 whatever it sends, never a 400 or 500
    /// that would show it reached the handler (an endpoint filter would only run after binding).
    /// </summary>
    public static TBuilder RequireApiKeys<TBuilder>(
        this TBuilder builder, Func<IConfiguration, IEnumerable<KeyValuePair<string, string?>>> keysByOwner) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(keysByOwner);
        builder.Add(endpoint =>
        {
            var next = endpoint.RequestDelegate ?? throw new InvalidOperationException($"{endpoint.DisplayName} has no request delegate to protect.");
            endpoint.RequestDelegate = async context =>
            {
                var configuration = context.RequestServices.GetRequiredService<IConfiguration>();
                var owner = Match(context.Request.Headers[HeaderName].ToString(), keysByOwner(configuration));
                if (owner is null)
                {
                    context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\"";
                    await Results.Problem(
                        title: "Authentication required.",
                        detail: $"Send a valid API key in the {HeaderName} header.",
                        statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
                    return;
                }

                context.Features.Set(new ApiKeyOwner(owner));
                await next(context);
            };
        });
        return builder;
    }

    /// <summary>The owner of the key this request was authenticated with; throws where no key was required.</summary>
    public static string GetApiKeyOwner(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ApiKeyOwner>()?.Name
            ?? throw new InvalidOperationException("This endpoint does not require an API key, so the request has no key owner.");
    }

    private static string? Match(string presented, IEnumerable<KeyValuePair<string, string?>> keysByOwner)
    {
        // Hashing first makes each comparison constant-time regardless of the two lengths.
        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), presentedHash);
        string? matched = null;
        foreach (var (owner, expected) in keysByOwner)
        {
            if (string.IsNullOrEmpty(expected))
            {
                continue;
            }

            var expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
            if (CryptographicOperations.FixedTimeEquals(presentedHash, expectedHash) && matched is null)
            {
                matched = owner;
            }
        }

        return matched;
    }
}
