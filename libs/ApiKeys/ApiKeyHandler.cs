using Microsoft.Extensions.DependencyInjection;

namespace Integrations.ApiKeys;

/// <summary>Puts the caller's API key in the <c>X-Api-Key</c> header of every request, in place of any there; no key, no header.</summary>
public sealed class ApiKeyHandler(Func<string?> key) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove(ApiKey.HeaderName);
        if (key() is { Length: > 0 } value)
        {
            request.Headers.TryAddWithoutValidation(ApiKey.HeaderName, value);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
