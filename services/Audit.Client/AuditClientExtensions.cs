using Integrations.Audit.Client;

namespace Microsoft.Extensions.DependencyInjection;

public static class AuditClientExtensions
{
    /// <summary>
    /// Registers <see cref="AuditClient"/> against the <c>audit</c> service, found through service discovery.
    /// </summary>
    public static IHttpClientBuilder AddAuditClient(this IServiceCollection services, string serviceName = "audit")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);

        return services.AddHttpClient<AuditClient>(http => http.BaseAddress = new Uri($"https+http://{serviceName}"));
    }
}
