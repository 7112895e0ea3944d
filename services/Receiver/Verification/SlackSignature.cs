using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Integrations.Receiver.Verification;

/// <summary>
/// Slack (Events API): <c>X-Slack-Signature: v0=&lt;hex HMAC-SHA256(signing secret, "v0:" + ts + ":" + raw body)&gt;</c>
/// with <c>X-Slack-Request-Timestamp: ts</c> in Unix seconds, refused outside ±5 minutes. The
/// delivery id is the body's <c>event_id</c>, which stays the same on Slack's retries
/// (<c>X-Slack-Retry-Num</c>), so a retry is a duplicate. A verified <c>url_verification</c> is answered
/// with its challenge and not stored.
/// </summary>
public sealed class SlackSignature : IWebhookScheme
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private const string Prefix = "v0=";

    public string Name => "slack";

    public bool AcceptsForms => false;

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

        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp.Value.ToString(CultureInfo.InvariantCulture)}:");
        if (!Hmac.AnyMatches(Hmac.Utf8Keys(secrets), prefix, body, [signature]))
        {
            return Verification.Reject(Rejection.BadSignature(SignatureHeader));
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
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp.ToString(CultureInfo.InvariantCulture)}:");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return Prefix + Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    private static long? ParseTimestamp(IHeaderDictionary headers) =>
        long.TryParse(headers[TimestampHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static byte[]? ParseSignature(IHeaderDictionary headers)
    {
        var header = headers[SignatureHeader].ToString();
        return header.StartsWith(Prefix, StringComparison.Ordinal) ? Hmac.FromHex(header.AsSpan(Prefix.Length)) : null;
    }
}
