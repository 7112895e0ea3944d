using Integrations.ApiKeys;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The one way a caller proves itself to a service of this stack: its API key in the
/// <see cref="HeaderName"/> header of every request, put there by <see cref="ApiKeyHandler"/>. The
/// services check it against the same header (ServiceDefaults' <c>ApiKeyAuthentication</c>).
/// </summary>
public static class ApiKey
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>
    /// Sends the key <paramref name="key"/> returns on every request of this client. It is read as each
    /// request is sent, so a key reloaded from configuration is used from the next request on.
    /// </summary>
    public static IHttpClientBuilder AddApiKey(this IHttpClientBuilder builder, Func<IServiceProvider, string?> key)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(key);
        return builder.AddHttpMessageHandler(provider => new ApiKeyHandler(() => key(provider)));
    }
}
