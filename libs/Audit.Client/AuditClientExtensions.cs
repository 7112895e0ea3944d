using Integrations.Audit.Client;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class AuditClientExtensions
{
    /// <summary>
    /// Registers <see cref="AuditClient"/> against the <c>audit</c> service, found through service discovery,
    /// sending the API key from <c>Audit:ApiKey</c>; start-up fails if it is missing. Retries of 503 and
    /// connection failures come from the standard resilience handler that the service defaults add to
    /// every HTTP client; a write that still fails throws, so the caller retries later.
    /// </summary>
    public static IHttpClientBuilder AddAuditClient(this IServiceCollection services, string serviceName = "audit")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);

        services.AddOptions<AuditClientOptions>()
            .BindConfiguration(AuditClientOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        return services.AddHttpClient<AuditClient>(http => http.BaseAddress = new Uri($"https+http://{serviceName}"))
            .AddApiKey(provider => provider.GetRequiredService<IOptions<AuditClientOptions>>().Value.ApiKey);
    }
}
