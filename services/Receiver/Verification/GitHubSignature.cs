using System.Security.Cryptography;
using System.Text;

namespace Integrations.Receiver.Verification;

/// <summary>
/// GitHub: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256(secret, raw body)&gt;</c>, with the event in
/// <c>X-GitHub-Event</c> and the delivery id in <c>X-GitHub-Delivery</c>. GitHub signs no timestamp,
/// so replay protection rests on the delivery-id dedup.
/// <para>
/// A hook set to the content type <c>application/x-www-form-urlencoded</c> sends <c>payload=&lt;url-encoded JSON&gt;</c>
/// and signs those form bytes. The signature is checked over the raw form bytes first, then the
/// <c>payload</c> field is taken out and stored as the delivery's body, so the flows see exactly what a
/// hook set to <c>application/json</c> would have sent. A form without a <c>payload</c> field, or whose
/// payload is not a JSON document, is a 400.
/// </para>
/// </summary>
public sealed class GitHubSignature : IWebhookScheme
{
    public const string HeaderName = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";
    private const string PayloadField = "payload";

    public string Name => "github";

    public bool AcceptsForms => true;

    public IReadOnlyList<string> ReplayHeaders { get; } =
        ["Content-Type", "User-Agent", "X-GitHub-Event", "X-GitHub-Delivery", "X-GitHub-Hook-ID", HeaderName];

    public Rejection? CheckHeaders(IHeaderDictionary headers)
    {
        if (headers["X-GitHub-Event"].ToString() is { Length: 0 or > 100 } || headers["X-GitHub-Delivery"].ToString() is { Length: 0 or > 255 })
        {
            return Rejection.BadHeaders("X-GitHub-Event and X-GitHub-Delivery are required.");
        }

        return ParseHeader(headers[HeaderName].ToString()) is null
            ? Rejection.BadHeaders($"{HeaderName} must be 'sha256=' followed by 64 hex digits.")
            : null;
    }

    public Verification Verify(IHeaderDictionary headers, byte[] body, IReadOnlyList<string> secrets, WebhookContext context)
    {
        var signature = ParseHeader(headers[HeaderName].ToString());
        if (signature is null || !Hmac.AnyMatches(Hmac.Utf8Keys(secrets), [], body, [signature]))
        {
            return Verification.Reject(Rejection.BadSignature(HeaderName));
        }

        byte[]? payload = null;
        if (FormBody.IsForm(headers.ContentType))
        {
            if (FormBody.Parse(body) is not { } fields)
            {
                return Verification.Reject(Rejection.NotForm("The signature is valid but the body is not a well-formed form: a field is named twice, or it is not UTF-8."));
            }

            if (!fields.TryGetValue(PayloadField, out var json))
            {
                return Verification.Reject(Rejection.NotForm($"A form-encoded GitHub delivery carries its JSON in a '{PayloadField}' field; this one has none."));
            }

            payload = Encoding.UTF8.GetBytes(json);
        }

        return JsonBody.IsDocument(payload ?? body)
            ? Verification.Accept(new VerifiedDelivery(headers["X-GitHub-Delivery"].ToString(), headers["X-GitHub-Event"].ToString(), OccurredAt: null, StoredBody: payload))
            : Verification.Reject(payload is null ? Rejection.NotJson() : Rejection.NotJson($"The signature is valid but the form's '{PayloadField}' field is not a JSON document."));
    }

    /// <summary>Parses the header; <c>null</c> when it is not <c>sha256=</c> followed by 64 hex digits.</summary>
    public static byte[]? ParseHeader(string? header) =>
        header is not null && header.StartsWith(Prefix, StringComparison.Ordinal) ? Hmac.FromHex(header.AsSpan(Prefix.Length)) : null;

    /// <summary>Builds the header value for a body; the sandbox and tests sign deliveries with it.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
