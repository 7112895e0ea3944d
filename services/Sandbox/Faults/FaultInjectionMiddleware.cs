namespace Integrations.Sandbox.Faults;

/// <summary>
/// Applies <see cref="FaultInjector"/> rules to provider routes and records every provider call in
/// the <see cref="CallLog"/>. The sandbox's own routes (<c>/_sandbox</c>, health) are never faulted.
/// Injected statuses use the provider's own shape: Slack's <c>{"ok":false,"error":"ratelimited"}</c>
/// for a 429 on <c>/slack</c>, GitHub's rate-limit headers on <c>/github</c>, Stripe's
/// <c>{"error":{"type":…}}</c> with a <c>Request-Id</c> on <c>/stripe</c>, a JSON error elsewhere.
/// </summary>
public sealed class FaultInjectionMiddleware(RequestDelegate next, FaultInjector faults, CallLog calls, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/_sandbox") || path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/openapi"))
        {
            await next(context);
            return;
        }

        var idempotencyKey = context.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key ? key : null;
        var fault = faults.Take(path);
        switch (fault?.Kind)
        {
            case "reset":
                calls.Record(context.Request.Method, path, 0, idempotencyKey);
                context.Abort();
                return;
            case "latency":
                await Task.Delay(fault.Latency ?? TimeSpan.Zero, time, context.RequestAborted);
                break;
            case "stall":
                await StallAsync(context, fault.Latency ?? TimeSpan.Zero);
                calls.Record(context.Request.Method, path, context.Response.StatusCode, idempotencyKey);
                return;
            case "acted":
                await ActThenFailAsync(context, fault.Status ?? StatusCodes.Status502BadGateway, fault.RetryAfter);
                return;
            case "status":
                var status = fault.Status ?? StatusCodes.Status503ServiceUnavailable;
                calls.Record(context.Request.Method, path, status, idempotencyKey);
                await WriteFaultAsync(context, status, fault.RetryAfter);
                return;
        }

        await next(context);
        calls.Record(context.Request.Method, path, context.Response.StatusCode, idempotencyKey);
    }

    /// <summary>Runs the handler into a buffer, waits even if the caller has gone, then sends the answer.</summary>
    private async Task StallAsync(HttpContext context, TimeSpan stall)
    {
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
            await Task.Delay(stall, time, CancellationToken.None);
            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The caller went away while the answer was held: the effect stands, unanswered.
        }
        finally
        {
            context.Response.Body = original;
        }
    }

    /// <summary>Runs the handler (the provider acts), drops its answer and answers <paramref name="status"/> instead, as a provider whose front end fails after the back end acted.</summary>
    private async Task ActThenFailAsync(HttpContext context, int status, TimeSpan? retryAfter)
    {
        var original = context.Response.Body;
        await using var discarded = new MemoryStream();
        context.Response.Body = discarded;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        context.Response.Clear();
        calls.Record(context.Request.Method, context.Request.Path, status, context.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key ? key : null);
        await WriteFaultAsync(context, status, retryAfter);
    }

    private async Task WriteFaultAsync(HttpContext context, int status, TimeSpan? retryAfter)
    {
        context.Response.StatusCode = status;
        if (retryAfter is { } delay)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var path = context.Request.Path;
        if (path.StartsWithSegments("/github") && status is 403 or 429)
        {
            var reset = time.GetUtcNow().Add(retryAfter ?? TimeSpan.FromSeconds(60)).ToUnixTimeSeconds();
            context.Response.Headers["X-RateLimit-Limit"] = "5000";
            context.Response.Headers["X-RateLimit-Remaining"] = "0";
            context.Response.Headers["X-RateLimit-Reset"] = reset.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await context.Response.WriteAsJsonAsync(new { message = "API rate limit exceeded", documentation_url = "https://docs.github.com/rest/rate-limit" });
        }
        else if (path.StartsWithSegments("/slack") && status == 429)
        {
            await context.Response.WriteAsJsonAsync(new { ok = false, error = "ratelimited" });
        }
        else if (path.StartsWithSegments("/stripe"))
        {
            // Stripe's envelope: 429 is a rate_limit, other 4xx invalid requests, 5xx api_error.
            context.Response.Headers["Request-Id"] = Apis.StripeApi.NewRequestId();
            var error = status switch
            {
                429 => new { type = "invalid_request_error", code = (string?)"rate_limit", message = "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests." },
                < 500 => new { type = "invalid_request_error", code = (string?)null, message = $"Injected fault: HTTP {status}." },
                _ => new { type = "api_error", code = (string?)null, message = $"Injected fault: HTTP {status}." },
            };
            await context.Response.WriteAsJsonAsync(new { error });
        }
        else
        {
            await context.Response.WriteAsJsonAsync(new { error = new { type = "api_error", message = $"Injected fault: HTTP {status}." } });
        }
    }
}
