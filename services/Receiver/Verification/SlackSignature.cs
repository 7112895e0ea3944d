using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Integrations.Receiver.Verification;

/// <summary>
/// Slack: <c>X-Slack-Signature: v0=&lt;hex HMAC-SHA256(signing secret, "v0:" + ts + ":" + raw body)&gt;</c>
/// with <c>X-Slack-Request-Timestamp: ts</c> in Unix seconds, refused outside ±5 minutes. Slack signs
/// three kinds of request this way, told apart by content type and fields once the raw bytes verify:
/// <list type="bullet">
/// <item>Events API (JSON): the delivery id is the body's <c>event_id</c>, which stays the same on
/// Slack's retries (<c>X-Slack-Retry-Num</c>), so a retry is a duplicate; the event type is the inner
/// <c>event.type</c>. A verified <c>url_verification</c> is answered with its challenge and not stored.</item>
/// <item>Slash commands (form fields <c>command</c>, <c>text</c>, <c>user_id</c>, <c>trigger_id</c>, …): event type
/// <see cref="SlashCommand"/>; stored as one JSON object of the fields.</item>
/// <item>Interactions (one form field <c>payload</c> holding JSON): event type is the payload's <c>type</c>
/// (<c>block_actions</c>, <c>view_submission</c>, <c>shortcut</c>, …); stored as that JSON.</item>
/// </list>
/// Slack sends no event id with the last two, and retries neither. Their delivery id is the request's
/// <c>trigger_id</c>, which Slack makes for each invocation, and without one (<c>view_closed</c>, say)
/// <c>sha256:</c> and the hex SHA-256 of the signed content (<c>"v0:" + ts + ":" + raw body</c>): either way,
/// a resend of the identical request is a duplicate. Both are answered 200 with an empty body, which
/// Slack takes as a plain acknowledgement (it posts nothing, and closes a submitted modal), within its
/// 3 s; the work is queued as for any other delivery.
/// </summary>
public sealed class SlackSignature : IWebhookScheme
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    /// <summary>The event type of a slash command.</summary>
    public const string SlashCommand = "slash_command";

    /// <summary>The prefix of a delivery id made from the signed content, for requests without a <c>trigger_id</c>.</summary>
    public const string HashedIdPrefix = "sha256:";

    private const string Prefix = "v0=";
    private const string PayloadField = "payload";

    public string Name => "slack";

    public bool AcceptsForms => true;

    public IReadOnlyList<string> ReplayHeaders { get; } =
        ["Content-Type", "User-Agent", SignatureHeader, TimestampHeader, "X-Slack-Retry-Num", "X-Slack-Retry-Reason"];

    public Rejection? CheckHeaders(IHeaderDictionary headers)
    {
        if (ParseTimestamp(headers) is null)
        {
            return Rejection.BadHeaders($"{TimestampHeader} must be Unix seconds.");
        }

        return ParseSignature(headers) is null
            ? Rejection.BadHeaders($"{SignatureHeader} must be 'v0=' followed by 64 hex digits.")
            : null;
    }

    public Verification Verify(IHeaderDictionary headers, byte[] body, IReadOnlyList<string> secrets, WebhookContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var timestamp = ParseTimestamp(headers);
        var signature = ParseSignature(headers);
        if (timestamp is null || signature is null)
        {
            return Verification.Reject(Rejection.BadHeaders($"{TimestampHeader} and {SignatureHeader} are required."));
        }

        if (!Hmac.WithinTolerance(timestamp.Value, context.Now, Tolerance))
        {
            return Verification.Reject(Rejection.StaleTimestamp(Tolerance));
        }

        var prefix = SignedPrefix(timestamp.Value);
        if (!Hmac.AnyMatches(Hmac.Utf8Keys(secrets), prefix, body, [signature]))
        {
            return Verification.Reject(Rejection.BadSignature(SignatureHeader));
        }

        if (FormBody.IsForm(headers.ContentType))
        {
            return VerifyForm(prefix, body, timestamp.Value);
        }

        if (!JsonBody.TryParse(body, out var document))
        {
            return Verification.Reject(Rejection.NotJson());
        }

        using (document)
        {
            var root = document.RootElement;
            var type = JsonBody.String(root, "type");
            if (type == "url_verification")
            {
                return JsonBody.String(root, "challenge") is { Length: > 0 } challenge
                    ? Verification.AnswerChallenge(challenge)
                    : Verification.Reject(Rejection.NotJson("A url_verification request needs a challenge."));
            }

            var eventId = JsonBody.String(root, "event_id");
            if (string.IsNullOrEmpty(eventId) || eventId.Length > 255)
            {
                return Verification.Reject(Rejection.NotJson("A Slack event needs an event_id."));
            }

            var eventType = root.TryGetProperty("event", out var inner) ? JsonBody.String(inner, "type") : null;
            DateTimeOffset? occurredAt = root.TryGetProperty("event_time", out var time) && time.ValueKind == JsonValueKind.Number && time.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
            return Verification.Accept(new VerifiedDelivery(eventId, eventType ?? type ?? "unknown", occurredAt));
        }
    }

    public static string Sign(ReadOnlySpan<byte> body, long timestamp, string secret)
    {
        var prefix = SignedPrefix(timestamp);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return Prefix + Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>A slash command or an interaction, read from its (verified) form body.</summary>
    private static Verification VerifyForm(byte[] prefix, byte[] body, long timestamp)
    {
        if (FormBody.Parse(body) is not { } fields)
        {
            return Verification.Reject(Rejection.NotForm("The signature is valid but the body is not a well-formed form: a field is named twice, or it is not UTF-8."));
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (fields.TryGetValue(PayloadField, out var json))
        {
            var payload = Encoding.UTF8.GetBytes(json);
            if (!JsonBody.TryParse(payload, out var document))
            {
                return Verification.Reject(Rejection.NotJson($"The signature is valid but the form's '{PayloadField}' field is not a JSON object."));
            }

            using (document)
            {
                var type = JsonBody.String(document.RootElement, "type");
                if (string.IsNullOrEmpty(type) || type.Length > 100)
                {
                    return Verification.Reject(Rejection.NotJson("A Slack interaction payload needs a type (at most 100 characters)."));
                }

                var id = DeliveryId(JsonBody.String(document.RootElement, "trigger_id"), prefix, body);
                return Verification.Accept(new VerifiedDelivery(id, type, sentAt, payload, AnswerEmpty: true));
            }
        }

        if (fields.TryGetValue("command", out var command) && command.Length > 0)
        {
            var id = DeliveryId(fields.GetValueOrDefault("trigger_id"), prefix, body);
            return Verification.Accept(new VerifiedDelivery(id, SlashCommand, sentAt, FormBody.ToJsonObject(fields), AnswerEmpty: true));
        }

        return Verification.Reject(Rejection.NotForm(
            $"A form-encoded Slack request is a slash command (a 'command' field) or an interaction (a '{PayloadField}' field); this one is neither."));
    }

    /// <summary>The request's <c>trigger_id</c> when it has a usable one, else a digest of the signed content.</summary>
    private static string DeliveryId(string? triggerId, byte[] prefix, byte[] body)
    {
        if (triggerId is { Length: > 0 and <= 255 })
        {
            return triggerId;
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(prefix);
        sha.AppendData(body);
        return HashedIdPrefix + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static byte[] SignedPrefix(long timestamp) => Encoding.UTF8.GetBytes($"v0:{timestamp.ToString(CultureInfo.InvariantCulture)}:");

    private static long? ParseTimestamp(IHeaderDictionary headers) =>
        long.TryParse(headers[TimestampHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static byte[]? ParseSignature(IHeaderDictionary headers)
    {
        var header = headers[SignatureHeader].ToString();
        return header.StartsWith(Prefix, StringComparison.Ordinal) ? Hmac.FromHex(header.AsSpan(Prefix.Length)) : null;
    }
}
