using Microsoft.Extensions.Options;

namespace Integrations.Audit.Client;

/// <summary>Adds the API key header to every request to the audit store.</summary>
public sealed class AuditApiKeyHandler(IOptions<AuditClientOptions> options) : DelegatingHandler
{
    public const string HeaderName = "X-Api-Key";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove(HeaderName);
        request.Headers.TryAddWithoutValidation(HeaderName, options.Value.ApiKey);
        return base.SendAsync(request, cancellationToken);
    }
}
