using System.Security.Cryptography;
using System.Text;

namespace Integrations.Receiver.Verification;

/// <summary>
/// GitHub: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256(secret, raw body)&gt;</c>, with the event in
/// <c>X-GitHub-Event</c> and the delivery id in <c>X-GitHub-Delivery</c>. GitHub signs no timestamp,
/// so replay protection rests on the delivery-id dedup.
/// </summary>
public sealed class GitHubSignature : IWebhookScheme
{
    public const string HeaderName = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    public string Name => "github";

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

        return JsonBody.IsDocument(body)
            ? Verification.Accept(new VerifiedDelivery(headers["X-GitHub-Delivery"].ToString(), headers["X-GitHub-Event"].ToString(), OccurredAt: null))
            : Verification.Reject(Rejection.NotJson());
    }

    /// <summary>Parses the header; <c>null</c> when it is not <c>sha256=</c> followed by 64 hex digits.</summary>
    public static byte[]? ParseHeader(string? header) =>
        header is not null && header.StartsWith(Prefix, StringComparison.Ordinal) ? Hmac.FromHex(header.AsSpan(Prefix.Length)) : null;

    /// <summary>Builds the header value for a body; the sandbox and tests sign deliveries with it.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
