using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Integrations.Receiver.Client;
using Key = NSec.Cryptography.Key;
using KeyBlobFormat = NSec.Cryptography.KeyBlobFormat;
using PublicKey = NSec.Cryptography.PublicKey;
using SignatureAlgorithm = NSec.Cryptography.SignatureAlgorithm;

namespace Integrations.Receiver.Verification;

/// <summary>
/// Standard Webhooks (standardwebhooks.com): <c>webhook-id</c>, <c>webhook-timestamp</c> (Unix seconds,
/// ±5 minutes) and <c>webhook-signature</c>, a space-separated list of signatures over
/// <c>id + "." + timestamp + "." + raw body</c>, each <c>v1,&lt;base64 HMAC-SHA256&gt;</c> (symmetric) or
/// <c>v1a,&lt;base64 Ed25519 signature&gt;</c> (asymmetric); entries of other versions are ignored.
/// A source's keys (<see cref="StandardWebhooksKey"/>) are <c>whsec_&lt;base64&gt;</c> secrets, whose decoded
/// bytes are the HMAC key and verify <c>v1</c> entries, and <c>whpk_&lt;base64&gt;</c> Ed25519 public keys, which
/// verify <c>v1a</c> entries; a public key is never used as an HMAC key (anyone could sign with it).
/// Any listed signature under any active key verifies, which is how senders and receivers rotate keys,
/// and how a sender moves from <c>v1</c> to <c>v1a</c>: it sends both while the receiver holds both keys.
/// The HMAC comparison is constant time over every key and entry; Ed25519 verification is libsodium's
/// (NSec), which needs no secret. The delivery id is <c>webhook-id</c>.
/// </summary>
public sealed class StandardWebhooksSignature : IWebhookScheme
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const string SymmetricVersion = "v1,";
    private const string AsymmetricVersion = "v1a,";
    private static readonly SignatureAlgorithm s_ed25519 = SignatureAlgorithm.Ed25519;

    public string Name => "standard";

    public bool AcceptsForms => false;

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
            ? Rejection.BadHeaders($"{SignatureHeader} must hold at least one 'v1,<base64>' or 'v1a,<base64>' signature.")
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

        var prefix = SignedPrefix(id, timestamp.Value);
        var keys = secrets.Select(StandardWebhooksKey.Parse).OfType<StandardWebhooksKey>().ToList();
        var hmacKeys = keys.Where(k => k.Kind == StandardWebhooksKeyKind.Symmetric).Select(k => k.Bytes);
        var hmacSignatures = signatures.Where(s => !s.Asymmetric).Select(s => s.Bytes).ToList();
        // Both are always evaluated (no short circuit), so the time taken does not tell which kind matched.
        var verified = Hmac.AnyMatches(hmacKeys, prefix, body, hmacSignatures)
            | AnyEd25519Matches(keys, prefix, body, [.. signatures.Where(s => s.Asymmetric).Select(s => s.Bytes)]);
        if (!verified)
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
    /// The HMAC key of a <c>whsec_</c> secret (the prefix may be left off); <c>null</c> when it is not valid
    /// base64, decodes to no bytes at all (an empty key would let anyone sign), or is another kind of key.
    /// </summary>
    public static byte[]? DecodeSecret(string secret) =>
        StandardWebhooksKey.Parse(secret) is { Kind: StandardWebhooksKeyKind.Symmetric } key ? key.Bytes : null;

    /// <summary>A <c>v1</c> signature entry with a <c>whsec_</c> secret; the sandbox and tests sign deliveries with it.</summary>
    public static string Sign(string id, long timestamp, ReadOnlySpan<byte> body, string secret)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, DecodeSecret(secret) ?? throw new ArgumentException("Not a whsec_ base64 secret.", nameof(secret)));
        hmac.AppendData(SignedPrefix(id, timestamp));
        hmac.AppendData(body);
        return SymmetricVersion + Convert.ToBase64String(hmac.GetHashAndReset());
    }

    /// <summary>
    /// A <c>v1a</c> signature entry with a <c>whsk_</c> signing key (its 32-byte seed, or 64 bytes of seed and
    /// public key); the sandbox and tests sign deliveries with it.
    /// </summary>
    public static string SignAsymmetric(string id, long timestamp, ReadOnlySpan<byte> body, string signingKey)
    {
        if (StandardWebhooksKey.Parse(signingKey) is not { Kind: StandardWebhooksKeyKind.SecretKey } key)
        {
            throw new ArgumentException("Not a whsk_ base64 Ed25519 signing key.", nameof(signingKey));
        }

        using var privateKey = Key.Import(s_ed25519, key.Bytes.AsSpan(0, StandardWebhooksKey.Ed25519KeyBytes), KeyBlobFormat.RawPrivateKey);
        return AsymmetricVersion + Convert.ToBase64String(s_ed25519.Sign(privateKey, [.. SignedPrefix(id, timestamp), .. body]));
    }

    /// <summary>The <c>whpk_</c> public key of a <c>whsk_</c> signing key: what a source is configured with in the receiver.</summary>
    public static string PublicKeyOf(string signingKey)
    {
        if (StandardWebhooksKey.Parse(signingKey) is not { Kind: StandardWebhooksKeyKind.SecretKey } key)
        {
            throw new ArgumentException("Not a whsk_ base64 Ed25519 signing key.", nameof(signingKey));
        }

        using var privateKey = Key.Import(s_ed25519, key.Bytes.AsSpan(0, StandardWebhooksKey.Ed25519KeyBytes), KeyBlobFormat.RawPrivateKey);
        return StandardWebhooksKey.PublicKeyPrefix + Convert.ToBase64String(privateKey.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    private static bool AnyEd25519Matches(List<StandardWebhooksKey> keys, byte[] prefix, byte[] body, List<byte[]> signatures)
    {
        var publicKeys = keys.Where(k => k.Kind == StandardWebhooksKeyKind.PublicKey).ToList();
        if (publicKeys.Count == 0 || signatures.Count == 0)
        {
            return false;
        }

        byte[] signed = [.. prefix, .. body];
        var match = false;
        foreach (var key in publicKeys)
        {
            if (!PublicKey.TryImport(s_ed25519, key.Bytes, KeyBlobFormat.RawPublicKey, out var publicKey) || publicKey is null)
            {
                continue;
            }

            foreach (var signature in signatures)
            {
                match |= s_ed25519.Verify(publicKey, signed, signature);
            }
        }

        return match;
    }

    private static byte[] SignedPrefix(string id, long timestamp) =>
        Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");

    private static long? ParseTimestamp(IHeaderDictionary headers) =>
        long.TryParse(headers[TimestampHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The well-formed <c>v1</c> (32-byte) and <c>v1a</c> (64-byte) entries of the header; others are skipped.</summary>
    private static List<(bool Asymmetric, byte[] Bytes)> ParseSignatures(IHeaderDictionary headers)
    {
        var signatures = new List<(bool, byte[])>();
        foreach (var part in headers[SignatureHeader].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (asymmetric, encoded, length) = part switch
            {
                _ when part.StartsWith(SymmetricVersion, StringComparison.Ordinal) => (false, part[SymmetricVersion.Length..], HMACSHA256.HashSizeInBytes),
                _ when part.StartsWith(AsymmetricVersion, StringComparison.Ordinal) => (true, part[AsymmetricVersion.Length..], s_ed25519.SignatureSize),
                _ => (false, "", 0),
            };
            var decoded = new byte[length];
            if (length > 0 && Convert.TryFromBase64String(encoded, decoded, out var written) && written == length)
            {
                signatures.Add((asymmetric, decoded));
            }
        }

        return signatures;
    }
}
