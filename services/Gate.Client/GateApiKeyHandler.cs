using Microsoft.Extensions.Options;

namespace Integrations.Gate.Client;

/// <summary>Adds the API key header to every request to the gate.</summary>
public sealed class GateApiKeyHandler(IOptions<GateClientOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove(GateApiKey.HeaderName);
        request.Headers.TryAddWithoutValidation(GateApiKey.HeaderName, options.Value.ApiKey);
        return base.SendAsync(request, cancellationToken);
    }
}
