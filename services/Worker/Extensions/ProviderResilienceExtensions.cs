using System.Net;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The retry policy of every provider client (Polly, via Microsoft.Extensions.Http.Resilience), in
/// place of the service defaults' standard handler. A call is resent within the attempt only when
/// resending cannot repeat an effect:
/// <list type="bullet">
/// <item>the provider refused without acting: 429 and 425, or the connection could not be made (nothing was sent);</item>
/// <item>the request is safe to resend (<see cref="IsSafeToResend"/>: GET, HEAD, OPTIONS, PUT, DELETE, or a
/// request carrying an <c>Idempotency-Key</c> the provider dedups on, as Stripe's) and the answer is 408, 409 or 5xx.</item>
/// </list>
/// A non-idempotent POST (Slack <c>chat.postMessage</c>, GitHub issue creation) answered 5xx, 408 or 409
/// is not resent here: Slack and GitHub may have acted before answering 502. Like a timeout or a
/// connection lost after sending, it fails the attempt; the queue retries the delivery later, and the
/// effect guard first checks the provider for the effect (the key comes back <c>reclaimed</c>).
/// Backoff is exponential with jitter from 1 s, each delay capped at 30 s, at most 3 retries, and
/// <c>Retry-After</c> (seconds or HTTP date) is honoured as the delay of the next attempt.
/// </summary>
internal static class ProviderResilienceExtensions
{
    private static readonly HashSet<HttpMethod> s_idempotentMethods = [HttpMethod.Get, HttpMethod.Head, HttpMethod.Options, HttpMethod.Put, HttpMethod.Delete];

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
                { Result: { } response } => ShouldResend(response),
                { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => true,
                _ => false,
            });
        });
        return client;
    }

    /// <summary>Whether the call that got <paramref name="response"/> is sent again within the attempt.</summary>
    internal static bool ShouldResend(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is (int)HttpStatusCode.TooManyRequests or 425)
        {
            return true; // refused before acting (425 Too Early: no named constant in HttpStatusCode)
        }

        var mayHaveFailedTransiently = status >= 500 || status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.Conflict;
        return mayHaveFailedTransiently && response.RequestMessage is { } request && IsSafeToResend(request);
    }

    /// <summary>Resending the request cannot cause a second effect: its method is idempotent, or the provider dedups it on its <c>Idempotency-Key</c>.</summary>
    internal static bool IsSafeToResend(HttpRequestMessage request) =>
        s_idempotentMethods.Contains(request.Method) || request.Headers.Contains("Idempotency-Key");
}
