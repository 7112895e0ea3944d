using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Integrations.Receiver.Verification;

/// <summary>
/// Standard Webhooks (standardwebhooks.com): <c>webhook-id</c>, <c>webhook-timestamp</c> (Unix seconds,
/// ±5 minutes) and <c>webhook-signature</c>, a space-separated list of <c>v1,&lt;base64 HMAC-SHA256&gt;</c>
/// over <c>id + "." + timestamp + "." + raw body</c>. Secrets are <c>whsec_&lt;base64 key&gt;</c>; the HMAC
/// key is the decoded bytes. Any listed signature under any active secret verifies, which is how
/// senders and receivers rotate keys. The delivery id is <c>webhook-id</c>.
/// </summary>
public sealed class StandardWebhooksSignature : IWebhookScheme
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private const string SecretPrefix = "whsec_";

    public string Name => "standard";

    public IReadOnlyList<string> ReplayHeaders { get; } = ["Content-Type", "User-Agent", IdHeader, TimestampHeader, SignatureHeader];

    public Rejection? CheckHeaders(IHeaderDictionary headers)
    {
        if (headers[IdHeader].ToString() is { Length: 0 or > 255 })
        {
            return Rejection.BadHeaders($"{IdHeader} is required (at most 255 characters).");
        }

        if (ParseTimestamp(headers) is null)
        {
            return Rejection.BadHeaders($"{TimestampHeader} must be Unix seconds.");
        }

        return ParseSignatures(headers).Count == 0
            ? Rejection.BadHeaders($"{SignatureHeader} must hold at least one 'v1,<base64>' signature.")
            : null;
    }

    public Verification Verify(IHeaderDictionary headers, byte[] body, IReadOnlyList<string> secrets, WebhookContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = headers[IdHeader].ToString();
        var timestamp = ParseTimestamp(headers);
        var signatures = ParseSignatures(headers);
        if (id.Length == 0 || timestamp is null || signatures.Count == 0)
        {
            return Verification.Reject(Rejection.BadHeaders($"{IdHeader}, {TimestampHeader} and {SignatureHeader} are required."));
        }

        if (!Hmac.WithinTolerance(timestamp.Value, context.Now, Tolerance))
        {
            return Verification.Reject(Rejection.StaleTimestamp(Tolerance));
        }

        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.Value.ToString(CultureInfo.InvariantCulture)}.");
        if (!Hmac.AnyMatches(secrets.Select(DecodeSecret).OfType<byte[]>(), prefix, body, signatures))
        {
            return Verification.Reject(Rejection.BadSignature(SignatureHeader));
        }

        if (!JsonBody.TryParse(body, out var document))
        {
            return Verification.Reject(Rejection.NotJson());
        }

        using (document)
        {
            var type = JsonBody.String(document.RootElement, "type") ?? "unknown";
            return Verification.Accept(new VerifiedDelivery(id, type, DateTimeOffset.FromUnixTimeSeconds(timestamp.Value)));
        }
    }

    /// <summary>
    /// The HMAC key of a <c>whsec_</c> secret; <c>null</c> when it is not valid base64 or decodes to no
    /// bytes at all (an empty key would let anyone sign).
    /// </summary>
    public static byte[]? DecodeSecret(string secret)
    {
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            return Convert.FromBase64String(encoded) is { Length: > 0 } key ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string Sign(string id, long timestamp, ReadOnlySpan<byte> body, string secret)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, DecodeSecret(secret) ?? throw new ArgumentException("Not a whsec_ base64 secret.", nameof(secret)));
        hmac.AppendData(Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}."));
        hmac.AppendData(body);
        return "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
    }

    private static long? ParseTimestamp(IHeaderDictionary headers) =>
        long.TryParse(headers[TimestampHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static List<byte[]> ParseSignatures(IHeaderDictionary headers)
    {
        var signatures = new List<byte[]>();
        foreach (var part in headers[SignatureHeader].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue;
            }

            var decoded = new byte[HMACSHA256.HashSizeInBytes];
            if (Convert.TryFromBase64String(part[3..], decoded, out var written) && written == decoded.Length)
            {
                signatures.Add(decoded);
            }
        }

        return signatures;
    }
}
