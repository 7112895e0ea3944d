using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Integrations.Worker.Connectors;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Slack;

/// <summary>
/// A thin typed client over the Slack Web API (<c>chat.postMessage</c>) and incoming webhooks.
/// No Slack client package is available to us, so this is deliberately small and replaceable:
/// callers depend only on <see cref="PostMessageAsync"/>, <see cref="FindMessageAsync"/> and
/// <see cref="PostToIncomingWebhookAsync"/>. A message can carry an effect's idempotency key in
/// Slack message metadata, which is how a recovering worker finds a message it already posted.
/// Slack answers most errors with HTTP 200 and <c>{"ok":false,"error":"…"}</c>; rate limits with
/// 429 and <c>Retry-After</c> seconds. Both become a <see cref="SlackApiException"/>.
/// Every text is sent escaped (<see cref="SlackText"/>): no caller's text can mention a channel or
/// disguise a link. Our own messages carry no intended formatting.
/// </summary>
public sealed class SlackWebApiClient(HttpClient http, IOptions<SlackOptions> options)
{
    private const string Provider = "slack";

    private static readonly HashSet<string> s_transientErrors = new(StringComparer.Ordinal)
    {
        "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    };

    /// <param name="effectKey">Carried in the message's metadata, so <see cref="FindMessageAsync"/> can find it later.</param>
    public async Task<SlackPostedMessage> PostMessageAsync(string channel, string text, CancellationToken cancellationToken, string? effectKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);

        var metadata = effectKey is null ? null : new MessageMetadata(EffectEventType, new EffectPayload(effectKey));
        var body = await CallAsync<PostMessageResponse>(HttpMethod.Post, "chat.postMessage",
            JsonContent.Create(new PostMessageRequest(channel, SlackText.Escape(text), metadata)), cancellationToken);
        return new SlackPostedMessage(body.Channel ?? channel, body.Ts ?? "");
    }

    /// <summary>
    /// The <c>ts</c> of a message in <paramref name="channel"/> whose metadata carries
    /// <paramref name="effectKey"/>, or null (<c>conversations.history</c> with metadata; needs <c>channels:history</c>).
    /// With <paramref name="postedAfter"/>, every message since then is searched, page by page, up to
    /// <see cref="SlackOptions.MaxSearchPages"/>; without it, only the latest 200. A search that
    /// reaches the cap, or is handed a cursor it already used, stops with a
    /// <see cref="RecoverySearchStoppedException"/> rather than loop: the attempt is retried later.
    /// </summary>
    public async Task<string?> FindMessageAsync(string channel, string effectKey, DateTimeOffset? postedAfter, CancellationToken cancellationToken)
    {
        var query = $"conversations.history?channel={Uri.EscapeDataString(channel)}&limit=200&include_all_metadata=true";
        if (postedAfter is { } after)
        {
            query += $"&oldest={ToSlackTs(after)}";
        }

        string? cursor = null;
        var pages = 0;
        var cursors = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var body = await CallAsync<HistoryResponse>(HttpMethod.Get,
                cursor is null ? query : $"{query}&cursor={Uri.EscapeDataString(cursor)}", null, cancellationToken);
            pages++;
            var found = body.Messages?.FirstOrDefault(m => m.Metadata?.EventType == EffectEventType && m.Metadata.Payload?.IdempotencyKey == effectKey);
            if (found is not null)
            {
                return found.Ts;
            }

            cursor = body.HasMore ? body.ResponseMetadata?.NextCursor : null;
            if (postedAfter is null || string.IsNullOrEmpty(cursor))
            {
                break;
            }

            if (!cursors.Add(cursor))
            {
                throw new RecoverySearchStoppedException(Provider, "conversations.history returned a cursor it had already returned");
            }

            if (pages >= options.Value.MaxSearchPages)
            {
                throw new RecoverySearchStoppedException(Provider, $"the history search read {pages} pages (Providers:Slack:MaxSearchPages) without an answer");
            }
        }

        return null;
    }

    /// <summary>Slack's message timestamp form: Unix seconds with six decimals.</summary>
    private static string ToSlackTs(DateTimeOffset time)
    {
        var microseconds = Math.Max(0, time.ToUnixTimeMilliseconds()) * 1000;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{microseconds / 1_000_000}.{microseconds % 1_000_000:D6}");
    }

    /// <summary>Posts to the incoming webhook from <c>SLACK_WEBHOOK_URL</c>, which answers plain <c>ok</c>.</summary>
    public async Task PostToIncomingWebhookAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var url = options.Value.IncomingWebhookUrl
            ?? throw new InvalidOperationException("SLACK_WEBHOOK_URL is not set.");

        using var response = await http.PostAsJsonAsync(
            new Uri(options.Value.WebhookBaseUrl, url), new { text = SlackText.Escape(text) }, cancellationToken);
        ThrowOnHttpError(response);
    }

    /// <summary>A Web API call with the bot token; Slack's <c>ok:false</c> and HTTP errors become <see cref="SlackApiException"/>.</summary>
    private async Task<T> CallAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken) where T : ISlackResponse
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.BotToken);

        using var response = await http.SendAsync(request, cancellationToken);
        ThrowOnHttpError(response);
        var body = await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new SlackApiException("empty_response", isTransient: true);
        if (!body.Ok)
        {
            var error = body.Error ?? "unknown_error";
            throw new SlackApiException(error, s_transientErrors.Contains(error));
        }

        return body;
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

    private const string EffectEventType = "integrations_effect";

    private sealed record PostMessageRequest(
        [property: JsonPropertyName("channel")] string Channel,
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("metadata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] MessageMetadata? Metadata);

    private sealed record MessageMetadata(
        [property: JsonPropertyName("event_type")] string EventType,
        [property: JsonPropertyName("event_payload")] EffectPayload? Payload);

    private sealed record EffectPayload([property: JsonPropertyName("idempotency_key")] string? IdempotencyKey);

    private sealed record HistoryResponse(
        [property: JsonPropertyName("ok")] bool Ok,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("messages")] List<HistoryMessage>? Messages,
        [property: JsonPropertyName("has_more")] bool HasMore,
        [property: JsonPropertyName("response_metadata")] ResponseMetadata? ResponseMetadata) : ISlackResponse;

    private sealed record ResponseMetadata([property: JsonPropertyName("next_cursor")] string? NextCursor);

    private sealed record HistoryMessage(
        [property: JsonPropertyName("ts")] string? Ts,
        [property: JsonPropertyName("metadata")] MessageMetadata? Metadata);

    private interface ISlackResponse
    {
        bool Ok { get; }

        string? Error { get; }
    }

    private sealed record PostMessageResponse(
        [property: JsonPropertyName("ok")] bool Ok,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("channel")] string? Channel,
        [property: JsonPropertyName("ts")] string? Ts) : ISlackResponse;
}
