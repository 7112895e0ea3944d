using Integrations.Gate.Client;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class GateClientExtensions
{
    /// <summary>
    /// Registers <see cref="GateClient"/> against the <c>gate</c> service, found through service discovery,
    /// sending the API key from <c>Gate:ApiKey</c>; start-up fails if it is missing.
    /// </summary>
    public static IHttpClientBuilder AddGateClient(this IServiceCollection services, string serviceName = "gate")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);

        services.AddOptions<GateClientOptions>()
            .BindConfiguration(GateClientOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        return services.AddHttpClient<GateClient>(http => http.BaseAddress = new Uri($"https+http://{serviceName}"))
            .AddApiKey(provider => provider.GetRequiredService<IOptions<GateClientOptions>>().Value.ApiKey);
    }
}
