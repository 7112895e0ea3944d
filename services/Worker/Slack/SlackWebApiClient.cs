using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Slack;

/// <summary>
/// A thin typed client over the Slack Web API (<c>chat.postMessage</c>) and incoming webhooks.
/// No Slack client package is available to us, so this is deliberately small and replaceable:
/// callers depend only on <see cref="PostMessageAsync"/> and <see cref="PostToIncomingWebhookAsync"/>.
/// Slack answers most errors with HTTP 200 and <c>{"ok":false,"error":"…"}</c>; rate limits with
/// 429 and <c>Retry-After</c> seconds. Both become a <see cref="SlackApiException"/>.
/// </summary>
public sealed class SlackWebApiClient(HttpClient http, IOptions<SlackOptions> options)
{
    private static readonly HashSet<string> s_transientErrors = new(StringComparer.Ordinal)
    {
        "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    };

    public async Task<SlackPostedMessage> PostMessageAsync(string channel, string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);

        using var request = new HttpRequestMessage(HttpMethod.Post, "chat.postMessage")
        {
            Content = JsonContent.Create(new PostMessageRequest(channel, text)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.BotToken);

        using var response = await http.SendAsync(request, cancellationToken);
        ThrowOnHttpError(response);

        var body = await response.Content.ReadFromJsonAsync<PostMessageResponse>(cancellationToken)
            ?? throw new SlackApiException("empty_response", isTransient: true);
        if (!body.Ok)
        {
            var error = body.Error ?? "unknown_error";
            throw new SlackApiException(error, s_transientErrors.Contains(error));
        }

        return new SlackPostedMessage(body.Channel ?? channel, body.Ts ?? "");
    }

    /// <summary>Posts to the incoming webhook from <c>SLACK_WEBHOOK_URL</c>, which answers plain <c>ok</c>.</summary>
    public async Task PostToIncomingWebhookAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var url = options.Value.IncomingWebhookUrl
            ?? throw new InvalidOperationException("SLACK_WEBHOOK_URL is not set.");

        using var response = await http.PostAsJsonAsync(
            new Uri(options.Value.WebhookBaseUrl, url), new { text }, cancellationToken);
        ThrowOnHttpError(response);
    }

    private static void ThrowOnHttpError(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new SlackApiException("ratelimited", isTransient: true, response.Headers.RetryAfter?.Delta);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            throw new SlackApiException($"http_{status}", isTransient: status >= 500 || status is 408 or 409 or 425);
        }
    }

    private sealed record PostMessageRequest(
        [property: JsonPropertyName("channel")] string Channel,
        [property: JsonPropertyName("text")] string Text);

    private sealed record PostMessageResponse(
        [property: JsonPropertyName("ok")] bool Ok,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("channel")] string? Channel,
        [property: JsonPropertyName("ts")] string? Ts);
}
