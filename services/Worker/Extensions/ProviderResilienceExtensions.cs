using System.Net;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The retry policy of every provider client (Polly, via Microsoft.Extensions.Http.Resilience), in
/// place of the service defaults' standard handler:
/// <list type="bullet">
/// <item>retried: answers 408, 409, 425, 429 and 5xx, and connections that could not be made (nothing was sent);</item>
/// <item>exponential backoff with jitter from 1 s, each delay capped at 30 s, at most 3 retries;</item>
/// <item><c>Retry-After</c> (seconds or HTTP date) is honoured as the delay of the next attempt.</item>
/// </list>
/// Not retried here: timeouts and connections lost after the request was sent, because the provider
/// may have acted. Those fail the attempt; the queue retries the delivery later, and the effect
/// guard first checks the provider for the effect (the key comes back <c>reclaimed</c>).
/// </summary>
internal static class ProviderResilienceExtensions
{
    private static readonly HashSet<HttpStatusCode> s_retried =
    [
        HttpStatusCode.RequestTimeout, HttpStatusCode.Conflict, (HttpStatusCode)425, // Too Early: no named constant in HttpStatusCode
        HttpStatusCode.TooManyRequests,
    ];

    public static IHttpClientBuilder AddProviderResilience(this IHttpClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);

        // Experimental API, the supported way to replace the service defaults' handler on one client rather than stack a second one.
#pragma warning disable EXTEXP0001
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddStandardResilienceHandler(options =>
        {
            options.Retry.MaxRetryAttempts = 3;
            options.Retry.BackoffType = DelayBackoffType.Exponential;
            options.Retry.UseJitter = true;
            options.Retry.Delay = TimeSpan.FromSeconds(1);
            options.Retry.MaxDelay = TimeSpan.FromSeconds(30);
            options.Retry.ShouldRetryAfterHeader = true;
            options.Retry.ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Result: { } response } => (int)response.StatusCode >= 500 || s_retried.Contains(response.StatusCode),
                { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => true,
                _ => false,
            });
        });
        return client;
    }
}
