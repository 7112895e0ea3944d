using System.Diagnostics;
using Integrations.Receiver.Secrets;
using Integrations.Receiver.Verification;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Integrations.Receiver.Apis;

/// <summary>
/// <c>POST /webhooks/{source}</c>. The order is the contract: unknown source 404, wrong content
/// type 415 (JSON, or for GitHub and Slack also a form), missing or malformed headers 400, body over the
/// source's limit 413 (503 when too many large bodies are arriving at once, see <see cref="RawBodyReader"/>),
/// bad signature or stale timestamp 401, valid signature over something that is not a JSON event (or a
/// form the scheme understands) 400, a NUL character in the id, event type, a stored header or a JSON
/// string of the stored body 400. Only then is the delivery stored (committed) and 202 returned; a
/// repeat gets 200 with <c>duplicate: true</c>. Slack's slash commands and interactions get 200 with an
/// empty body either way (<see cref="VerifiedDelivery.AnswerEmpty"/>), the id and whether it was a
/// duplicate in the <see cref="DeliveryIdHeader"/> and <see cref="DuplicateHeader"/> headers.
/// Every refusal is problem details and never echoes a secret or an expected signature.
/// </summary>
public static class WebhooksApi
{
    public const string DeliveryIdHeader = "X-Delivery-Id";
    public const string DuplicateHeader = "X-Delivery-Duplicate";

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("webhooks");
        api.MapPost("/{source}", ReceiveWebhook).DisableAntiforgery();
        return api;
    }

    public static async Task<Results<Accepted<DeliveryAccepted>, Ok<DeliveryAccepted>, Ok<SlackChallenge>, Ok, ProblemHttpResult>> ReceiveWebhook(
        string source,
        HttpRequest request,
        IOptionsMonitor<ReceiverOptions> options,
        IEnumerable<IWebhookScheme> schemes,
        RawBodyReader bodies,
        DeliveryStore store,
        WebhookSecretStore secrets,
        ReceiverMetrics metrics,
        TimeProvider time,
        ILogger<DeliveryStore> logger,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var provider = source.ToLowerInvariant();
        var result = await HandleAsync(provider, request, options.CurrentValue, schemes, bodies, store, secrets, time, cancellationToken);
        var status = result.Result switch
        {
            ProblemHttpResult problem => problem.StatusCode,
            Accepted<DeliveryAccepted> => StatusCodes.Status202Accepted,
            _ => StatusCodes.Status200OK,
        };
        if (result.Result is ProblemHttpResult refused)
        {
            ReceiverLog.Refused(logger, provider, refused.StatusCode, refused.ProblemDetails.Title ?? "");
        }

        metrics.RecordAck(options.CurrentValue.Sources.ContainsKey(provider) ? provider : "unknown", status, time.GetElapsedTime(started));
        return result;
    }

    private static async Task<Results<Accepted<DeliveryAccepted>, Ok<DeliveryAccepted>, Ok<SlackChallenge>, Ok, ProblemHttpResult>> HandleAsync(
        string provider,
        HttpRequest request,
        ReceiverOptions options,
        IEnumerable<IWebhookScheme> schemes,
        RawBodyReader bodies,
        DeliveryStore store,
        WebhookSecretStore secrets,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (options.OffSources.TryGetValue(provider, out var variable))
        {
            return Problem(new Rejection(StatusCodes.Status404NotFound, "Webhook source off.", $"The source '{provider}' is off: {variable} is not set."));
        }

        if (!options.Sources.TryGetValue(provider, out var source) || schemes.FirstOrDefault(s => s.Name == source.Scheme) is not { } scheme)
        {
            return Problem(new Rejection(StatusCodes.Status404NotFound, "Unknown webhook source.", "No webhook source has that name."));
        }

        if (!IsJson(request.ContentType) && !(scheme.AcceptsForms && FormBody.IsForm(request.ContentType)))
        {
            return Problem(new Rejection(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type.",
                scheme.AcceptsForms ? $"Webhook bodies of this source must be application/json or {FormBody.MediaType}." : "Webhook bodies must be application/json."));
        }

        if (scheme.CheckHeaders(request.Headers) is { } badHeaders)
        {
            return Problem(badHeaders);
        }

        var read = await bodies.ReadAsync(request, source.MaxBodyBytes, cancellationToken);
        if (read.Bytes is not { } body)
        {
            return Problem(read.RefusedWith switch
            {
                StatusCodes.Status413PayloadTooLarge => new Rejection(read.RefusedWith, "Body too large.", $"This source accepts at most {source.MaxBodyBytes} bytes."),
                StatusCodes.Status503ServiceUnavailable => Busy(request.HttpContext.Response),
                _ => new Rejection(read.RefusedWith, "Body not received.", "The body ended before its Content-Length, or arrived too slowly."),
            });
        }

        var verification = scheme.Verify(request.Headers, body, secrets.ActiveSecrets(provider, source), new WebhookContext(time.GetUtcNow(), options.Environment));
        if (verification.Rejection is { } rejection)
        {
            return Problem(rejection);
        }

        if (verification.Challenge is { } challenge)
        {
            return TypedResults.Ok(new SlackChallenge(challenge));
        }

        var delivery = verification.Delivery!;
        var headers = new Dictionary<string, string>(scheme.ReplayHeaders.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var name in scheme.ReplayHeaders)
        {
            if (request.Headers.TryGetValue(name, out var value))
            {
                headers[name] = value.ToString();
            }
        }

        // PostgreSQL refuses NUL in text and jsonb: refused here, it cannot fail the batch it would share.
        if (delivery.DeliveryId.Contains('\0', StringComparison.Ordinal) || delivery.EventType.Contains('\0', StringComparison.Ordinal)
            || headers.Values.Any(v => v.Contains('\0', StringComparison.Ordinal)))
        {
            return Problem(Rejection.NulCharacter("id, event type or a header"));
        }

        var stored = delivery.StoredBody ?? body;
        if (JsonBody.HoldsNul(stored))
        {
            return Problem(Rejection.NulCharacter("body"));
        }

        StoreResult result;
        try
        {
            result = await store.StoreAsync(new InboundDelivery(provider, delivery.DeliveryId, delivery.EventType, headers, stored), cancellationToken);
        }
        catch (DeliveryRefusedException refused)
        {
            return Problem(new Rejection(StatusCodes.Status400BadRequest, "Delivery refused by the store.", refused.Message));
        }
        catch (StorageUnavailableException)
        {
            return Problem(new Rejection(StatusCodes.Status503ServiceUnavailable, "Delivery store unavailable.", "The delivery was not stored; retry later."));
        }

        if (delivery.AnswerEmpty)
        {
            request.HttpContext.Response.Headers[DeliveryIdHeader] = delivery.DeliveryId;
            request.HttpContext.Response.Headers[DuplicateHeader] = result.Duplicate ? "true" : "false";
            return TypedResults.Ok();
        }

        var traceId = Activity.Current?.TraceId.ToHexString();
        var accepted = new DeliveryAccepted(provider, delivery.DeliveryId, result.Duplicate, traceId);
        return result.Duplicate
            ? TypedResults.Ok(accepted)
            : TypedResults.Accepted($"/deliveries/{provider}/{Uri.EscapeDataString(delivery.DeliveryId)}", accepted);
    }

    private static Rejection Busy(HttpResponse response)
    {
        response.Headers.RetryAfter = "1";
        return new Rejection(StatusCodes.Status503ServiceUnavailable, "Too many large bodies at once.", "Other large deliveries are being received; retry shortly.");
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static ProblemHttpResult Problem(Rejection rejection) =>
        TypedResults.Problem(title: rejection.Title, detail: rejection.Detail, statusCode: rejection.Status);
}

public sealed record DeliveryAccepted(string Provider, string DeliveryId, bool Duplicate, string? TraceId);

/// <summary>The answer Slack expects to a <c>url_verification</c> request.</summary>
public sealed record SlackChallenge(string Challenge);
