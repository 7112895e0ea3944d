using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Integrations.Sandbox.Slack;
using Microsoft.Extensions.Options;

namespace Integrations.Sandbox.Apis;

/// <summary>
/// Slack's Web API as connectors see it, under <c>/slack/api/</c>. Like Slack, it answers HTTP 200
/// with <c>{"ok":false,"error":"…"}</c> for application errors (<c>not_authed</c>,
/// <c>invalid_auth</c>, <c>channel_not_found</c>, <c>no_text</c>), accepts JSON or form bodies,
/// and returns the channel id and a unique <c>ts</c>. Incoming webhooks live under
/// <c>/slack/services/…</c> and answer plain <c>ok</c>, or 404 <c>no_service</c>.
/// </summary>
public static class SlackApi
{
    private static long s_lastTsMicros;


    public static IEndpointRouteBuilder MapSlackApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/slack/api/chat.postMessage", PostMessage).DisableAntiforgery();
        app.MapMethods("/slack/api/conversations.history", ["GET", "POST"], History).DisableAntiforgery();
        app.MapPost("/slack/services/{**path}", PostToIncomingWebhook).DisableAntiforgery();
        return app;
    }

    public static async Task<IResult> PostMessage(HttpRequest request, EffectLog effects, SlackHistory history, IOptions<SandboxOptions> options, TimeProvider time)
    {
        var token = request.Headers.Authorization.ToString();
        if (!token.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return SlackError("not_authed");
        }

        if (!FixedTimeEquals(token["Bearer ".Length..], options.Value.SlackBotToken))
        {
            return SlackError("invalid_auth");
        }

        var (channel, text, effectKey) = await ReadArgumentsAsync(request);
        if (string.IsNullOrWhiteSpace(channel))
        {
            return SlackError("channel_not_found");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return SlackError("no_text");
        }

        var channelId = ChannelId(channel);
        var ts = NextTs(time);
        var effect = effects.Record("slack", "message", channelId, text, effectKey, Activity.Current?.TraceId.ToHexString());
        history.Add(effect.Sequence, new PostedMessage(channelId, ts, text, effectKey));
        return Results.Json(new
        {
            ok = true,
            channel = channelId,
            ts,
            message = new { type = "message", text, ts, bot_id = "B00SANDBOX" },
        });
    }

    /// <summary>
    /// <c>conversations.history</c>: a channel's messages, newest first, at most <c>limit</c> (default
    /// 100, Slack's maximum 999), with each message's <c>metadata</c> when <c>include_all_metadata</c> is set.
    /// Only messages after <c>oldest</c> (a message timestamp, exclusive) when given. When more remain,
    /// <c>has_more</c> is true and <c>response_metadata.next_cursor</c> is the <c>cursor</c> for the next page.
    /// </summary>
    public static async Task<IResult> History(HttpRequest request, SlackHistory history, IOptions<SandboxOptions> options)
    {
        var token = request.Headers.Authorization.ToString();
        if (!token.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return SlackError("not_authed");
        }

        if (!FixedTimeEquals(token["Bearer ".Length..], options.Value.SlackBotToken))
        {
            return SlackError("invalid_auth");
        }

        var arguments = request.HasFormContentType ? (await request.ReadFormAsync()).ToDictionary(p => p.Key, p => p.Value.ToString())
            : request.Query.ToDictionary(p => p.Key, p => p.Value.ToString());
        if (!arguments.TryGetValue("channel", out var channel) || string.IsNullOrWhiteSpace(channel))
        {
            return SlackError("channel_not_found");
        }

        var limit = arguments.TryGetValue("limit", out var l) && int.TryParse(l, out var parsed) ? Math.Clamp(parsed, 1, 999) : 100;
        var withMetadata = arguments.TryGetValue("include_all_metadata", out var m) && m is "true" or "1";
        long oldest = 0;
        if (arguments.TryGetValue("oldest", out var o) && !string.IsNullOrEmpty(o) && !TryParseTs(o, out oldest))
        {
            return SlackError("invalid_ts_oldest");
        }

        var newest = long.MaxValue;
        if (arguments.TryGetValue("cursor", out var c) && !string.IsNullOrEmpty(c) && !TryParseCursor(c, out newest))
        {
            return SlackError("invalid_cursor");
        }

        var channelId = ChannelId(channel);
        var page = history.In(channelId)
            .Where(p => TryParseTs(p.Ts, out var ts) && ts > oldest && ts <= newest)
            .Take(limit + 1)
            .ToList();
        var hasMore = page.Count > limit;
        var nextCursor = hasMore ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"next_ts:{page[limit].Ts}")) : "";
        var messages = page.Take(limit)
            .Select(p => new
            {
                type = "message",
                ts = p.Ts,
                text = p.Text,
                bot_id = "B00SANDBOX",
                metadata = withMetadata && p.EffectKey is not null
                    ? new { event_type = "integrations_effect", event_payload = new { idempotency_key = p.EffectKey } }
                    : null,
            });
        return Results.Json(new { ok = true, messages, has_more = hasMore, response_metadata = new { next_cursor = nextCursor } });
    }

    public static async Task<IResult> PostToIncomingWebhook(string path, HttpRequest request, EffectLog effects, IOptions<SandboxOptions> options)
    {
        var configured = options.Value.SlackWebhookUrl;
        var expected = Uri.TryCreate(configured, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : configured;
        if (expected.Length == 0 || !FixedTimeEquals("/slack/services/" + path, expected))
        {
            return Results.Text("no_service", statusCode: StatusCodes.Status404NotFound);
        }

        var (_, text, _) = await ReadArgumentsAsync(request);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Results.Text("no_text", statusCode: StatusCodes.Status400BadRequest);
        }

        effects.Record("slack", "webhook_message", "incoming-webhook", text, null, Activity.Current?.TraceId.ToHexString());
        return Results.Text("ok");
    }

    /// <summary>channel, text and the idempotency key a caller put in the message's <c>metadata.event_payload</c>.</summary>
    private static async Task<(string? Channel, string? Text, string? EffectKey)> ReadArgumentsAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            return (form["channel"].ToString(), form["text"].ToString(), null);
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            var root = document.RootElement;
            var key = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("metadata", out var metadata)
                && metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("event_payload", out var payload)
                ? Read(payload, "idempotency_key")
                : null;
            return (Read(root, "channel"), Read(root, "text"), key);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }

        static string? Read(JsonElement root, string name) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
    }

    /// <summary>Slack's error envelope: HTTP 200, <c>ok: false</c>.</summary>
    private static IResult SlackError(string error) => Results.Json(new { ok = false, error });

    /// <summary>A stable channel id for a channel name, the way Slack turns <c>#general</c> into <c>C…</c>.</summary>
    internal static string ChannelId(string channel) =>
        channel.StartsWith('C') && !channel.StartsWith('#')
            ? channel
            : "C" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(channel.TrimStart('#'))))[..10];

    /// <summary>Message timestamps are unique and increasing, like Slack's <c>1503435956.000247</c>.</summary>
    private static string NextTs(TimeProvider time)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        long last, next;
        do
        {
            last = Interlocked.Read(ref s_lastTsMicros);
            next = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref s_lastTsMicros, next, last) != last);

        return $"{next / 1_000_000}.{next % 1_000_000:D6}";
    }

    /// <summary>A message timestamp (<c>1503435956.000247</c>) as microseconds since the epoch.</summary>
    private static bool TryParseTs(string ts, out long microseconds)
    {
        microseconds = 0;
        if (!decimal.TryParse(ts, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || seconds > long.MaxValue / 1_000_000m)
        {
            return false;
        }

        microseconds = (long)decimal.Truncate(seconds * 1_000_000m);
        return true;
    }

    /// <summary>Cursors are opaque to callers; like Slack's, they are <c>next_ts:</c> and the first timestamp of the next page, base64.</summary>
    private static bool TryParseCursor(string cursor, out long newest)
    {
        newest = 0;
        var bytes = new byte[cursor.Length];
        if (!Convert.TryFromBase64String(cursor, bytes, out var length))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, length);
        return text.StartsWith("next_ts:", StringComparison.Ordinal) && TryParseTs(text["next_ts:".Length..], out newest);
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
