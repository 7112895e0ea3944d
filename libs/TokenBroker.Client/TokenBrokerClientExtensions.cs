using Integrations.TokenBroker.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

public static class TokenBrokerClientExtensions
{
    /// <summary>
    /// Registers <see cref="TokenBrokerClient"/> against the <c>broker</c> service, found through
    /// service discovery (<c>https+http://broker</c>). It sends the API key from
    /// <c>Broker:ApiKey</c> (the AppHost passes <c>Broker__ApiKey</c>) and names the caller in
    /// <c>X-Actor</c>: <c>Broker:Actor</c>, by default the application name.
    /// </summary>
    public static IHttpClientBuilder AddTokenBrokerClient(this IServiceCollection services, string serviceName = "broker")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);

        return services.AddHttpClient<TokenBrokerClient>((provider, http) =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            http.BaseAddress = new Uri($"https+http://{serviceName}");
            http.DefaultRequestHeaders.Add("X-Actor", configuration["Broker:Actor"] ?? provider.GetRequiredService<IHostEnvironment>().ApplicationName);
        }).AddApiKey(provider => provider.GetRequiredService<IConfiguration>()["Broker:ApiKey"]);
    }
}
