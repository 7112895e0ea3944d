using Integrations.Worker.Connectors;
using Integrations.Worker.Queue;
using Stripe;

namespace Integrations.Worker.Stripe;

/// <summary>
/// Sorts Stripe's refusals into what the queue does next. A 429 becomes a
/// <see cref="ProviderRateLimitedException"/> (the gate pauses the Stripe budget for every worker);
/// 5xx, 408, 409 (<c>idempotency_key_in_use</c>, lock timeouts) and answers without a status
/// (network failures) stay transient and are retried with the same idempotency key; any other 4xx
/// (invalid request, missing resource, <c>idempotency_error</c>) is a
/// <see cref="PermanentFlowException"/> and the delivery is dead-lettered. Messages carry Stripe's
/// error type and code, never the API key.
/// </summary>
public static class StripeFailures
{
    /// <summary>Stripe sends no <c>Retry-After</c> on most 429s; this is the pause it suggests backing off by.</summary>
    public static readonly TimeSpan DefaultRateLimitPause = TimeSpan.FromSeconds(2);

    public static Exception Classify(StripeException exception, string action)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var status = (int)exception.HttpStatusCode;
        var error = exception.StripeError is { } e ? $"{e.Type}{(e.Code is { Length: > 0 } code ? "/" + code : "")}" : "no error body";
        if (status == 429)
        {
            var retryAfter = exception.StripeResponse?.Headers?.RetryAfter?.Delta ?? DefaultRateLimitPause;
            return new ProviderRateLimitedException("stripe", retryAfter, exception);
        }

        return status is >= 400 and < 500 and not 408 and not 409
            ? new PermanentFlowException($"Stripe refused {action}: HTTP {status} ({error}).", exception)
            : exception;
    }
}
