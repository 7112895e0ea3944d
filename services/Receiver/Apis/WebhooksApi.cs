using System.Diagnostics;
using System.Text.Json;
using Integrations.Receiver.Verification;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Integrations.Receiver.Apis;

/// <summary>
/// <c>POST /webhooks/{source}</c>. Order matters: the source is looked up, the headers and content
/// type checked, the raw body read within the source's limit, the signature verified over those
/// exact bytes, and only then is the body parsed as JSON. The delivery is stored (committed) before
/// 202 is returned. Every refusal is a problem details response that names what was wrong and
/// never echoes a secret or the expected signature.
/// </summary>
public static class WebhooksApi
{
    private static readonly string[] s_replayHeaders =
        ["Content-Type", "User-Agent", "X-GitHub-Event", "X-GitHub-Delivery", "X-GitHub-Hook-ID", GitHubSignature.HeaderName];

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("webhooks");
        api.MapPost("/{source}", ReceiveWebhook).DisableAntiforgery();
        return api;
    }

    public static async Task<Results<Accepted<DeliveryAccepted>, Ok<DeliveryAccepted>, ProblemHttpResult>> ReceiveWebhook(
        string source,
        HttpRequest request,
        IOptionsMonitor<ReceiverOptions> options,
        DeliveryStore store,
        CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Sources.TryGetValue(source, out var sourceOptions) || !string.Equals(source, "github", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown webhook source.", $"No webhook source is named '{source}'.");
        }

        if (!IsJson(request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type.", "Webhook bodies must be application/json.");
        }

        var eventType = request.Headers["X-GitHub-Event"].ToString();
        var deliveryId = request.Headers["X-GitHub-Delivery"].ToString();
        var signature = GitHubSignature.ParseHeader(request.Headers[GitHubSignature.HeaderName].ToString());
        if (eventType.Length is 0 or > 100 || deliveryId.Length is 0 or > 255)
        {
            return Problem(StatusCodes.Status400BadRequest, "Missing or malformed headers.", "X-GitHub-Event and X-GitHub-Delivery are required.");
        }

        if (signature is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Missing or malformed headers.", $"{GitHubSignature.HeaderName} must be 'sha256=' followed by 64 hex digits.");
        }

        var body = await RawBody.ReadAsync(request, sourceOptions.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Body too large.", $"The '{source}' source accepts at most {sourceOptions.MaxBodyBytes} bytes.");
        }

        if (!GitHubSignature.Verify(body, signature, sourceOptions.Secrets))
        {
            return Problem(StatusCodes.Status401Unauthorized, "Invalid signature.", $"{GitHubSignature.HeaderName} does not match the body.");
        }

        if (!IsJsonDocument(body))
        {
            return Problem(StatusCodes.Status400BadRequest, "Body is not JSON.", "The signature is valid but the body is not a JSON document.");
        }

        var headers = s_replayHeaders
            .Where(name => request.Headers.ContainsKey(name))
            .ToDictionary(name => name, name => request.Headers[name].ToString(), StringComparer.OrdinalIgnoreCase);
        var result = await store.StoreAsync(new InboundDelivery("github", deliveryId, eventType, headers, body), cancellationToken);

        var traceId = Activity.Current?.TraceId.ToHexString();
        return result.Duplicate
            ? TypedResults.Ok(new DeliveryAccepted("github", deliveryId, Duplicate: true, traceId))
            : TypedResults.Accepted($"/deliveries/github/{deliveryId}", new DeliveryAccepted("github", deliveryId, Duplicate: false, traceId));
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static bool IsJsonDocument(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);
}

public sealed record DeliveryAccepted(string Provider, string DeliveryId, bool Duplicate, string? TraceId);
