using Microsoft.Extensions.Options;
using Stripe;

namespace Integrations.Worker.Stripe;

/// <summary>
/// Registers Stripe.net's <see cref="IStripeClient"/> on an <see cref="IHttpClientFactory"/> client,
/// so Stripe calls get the service defaults' telemetry (a span per call, <c>traceparent</c> sent) and
/// the worker's provider retry policy (<see cref="ProviderResilienceExtensions"/>): 408, 409, 425,
/// 429 and 5xx are retried within a call, honouring <c>Retry-After</c>, by resending the same request
/// and so the same <c>Idempotency-Key</c>; the queue retries across attempts. Stripe.net's own
/// retries are therefore off (<c>maxNetworkRetries: 0</c>), or every failure would be retried twice
/// over. Stripe.net gives a POST without a key a random <c>Idempotency-Key</c>, new for every call:
/// it survives its own retries but not ours or a restart, so connectors always pass the gate's key
/// in <see cref="RequestOptions.IdempotencyKey"/>.
/// </summary>
public static class StripeClientExtensions
{
    public const string HttpClientName = "stripe";

    public static IServiceCollection AddStripeClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<StripeOptions>()
            .BindConfiguration(StripeOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
                options.SecretKey = configuration["STRIPE_SECRET_KEY"] ?? options.SecretKey)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // One Stripe client for the process, as Stripe.net recommends: building one reads the Stripe.net
        // and Newtonsoft.Json files' version info for its user agent, which per delivery cost the
        // worker file I/O. Its HttpClient therefore lives as long, so the handler is never rotated
        // and connections are recycled instead (PooledConnectionLifetime) to follow DNS changes.
        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddProviderResilience();
        services.AddSingleton<IStripeClient>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StripeOptions>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            return new StripeClient(new StripeClientOptions
            {
                ApiKey = options.SecretKey,
                ApiBase = options.BaseUrl.ToString().TrimEnd('/'),
                HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: 0, appInfo: null, enableTelemetry: false),
            });
        });
        return services;
    }
}
