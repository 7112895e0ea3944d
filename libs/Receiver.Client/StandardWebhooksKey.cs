namespace Integrations.Receiver.Client;

/// <summary>What a Standard Webhooks key is for.</summary>
public enum StandardWebhooksKeyKind
{
    /// <summary><c>whsec_</c>: the HMAC-SHA256 key of <c>v1</c> signatures, shared by sender and receiver.</summary>
    Symmetric,

    /// <summary><c>whpk_</c>: the Ed25519 public key that verifies <c>v1a</c> signatures.</summary>
    PublicKey,

    /// <summary><c>whsk_</c>: the Ed25519 signing key of <c>v1a</c> signatures; only the sender holds it.</summary>
    SecretKey,
}

/// <summary>
/// A Standard Webhooks key as the spec serialises it (standardwebhooks.com, "Signature scheme"): base64
/// after a prefix that names its use. <c>whsec_</c> holds an HMAC key of any length (the prefix may be
/// left off, as the reference libraries allow); <c>whpk_</c> an Ed25519 public key of 32 bytes;
/// <c>whsk_</c> an Ed25519 signing key, its 32-byte seed (as the reference Go library reads it) or the
/// 64-byte seed and public key that libsodium calls a secret key. The AppHost, the receiver's options
/// and its rotation API all check a source's keys with <see cref="VerificationKeyProblem"/>, so a key
/// is refused the same way, with the same words, wherever it is given. No message holds the key.
/// </summary>
public sealed record StandardWebhooksKey(StandardWebhooksKeyKind Kind, byte[] Bytes)
{
    public const string SymmetricPrefix = "whsec_";
    public const string PublicKeyPrefix = "whpk_";
    public const string SecretKeyPrefix = "whsk_";
    public const int Ed25519KeyBytes = 32;

    /// <summary>The key, or <c>null</c> when <paramref name="value"/> is none (see <see cref="Problem"/>).</summary>
    public static StandardWebhooksKey? Parse(string? value) => Read(value).Key;

    /// <summary>Why <paramref name="value"/> is not a Standard Webhooks key of any kind; <c>null</c> when it is one.</summary>
    public static string? Problem(string? value) => Read(value).Problem;

    /// <summary>
    /// Why <paramref name="value"/> cannot verify a source's deliveries: not a key, or a <c>whsk_</c>
    /// signing key, which belongs to the sender only. <c>null</c> for a <c>whsec_</c> or <c>whpk_</c> key.
    /// </summary>
    public static string? VerificationKeyProblem(string? value) => Read(value) switch
    {
        { Problem: { } problem } => problem,
        { Key.Kind: StandardWebhooksKeyKind.SecretKey } =>
            $"is a {SecretKeyPrefix} signing key, which only the sender should hold: give the receiver the source's {PublicKeyPrefix} public key (or a {SymmetricPrefix} secret)",
        _ => null,
    };

    private static (StandardWebhooksKey? Key, string? Problem) Read(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, "is empty");
        }

        if (value.StartsWith(PublicKeyPrefix, StringComparison.Ordinal))
        {
            var bytes = Base64(value[PublicKeyPrefix.Length..]);
            return bytes is { Length: Ed25519KeyBytes }
                ? (new(StandardWebhooksKeyKind.PublicKey, bytes), null)
                : (null, $"is not an Ed25519 public key: '{PublicKeyPrefix}' must be followed by the base64 of {Ed25519KeyBytes} bytes{Decoded(bytes)}");
        }

        if (value.StartsWith(SecretKeyPrefix, StringComparison.Ordinal))
        {
            var bytes = Base64(value[SecretKeyPrefix.Length..]);
            return bytes is { Length: Ed25519KeyBytes or 2 * Ed25519KeyBytes }
                ? (new(StandardWebhooksKeyKind.SecretKey, bytes), null)
                : (null, $"is not an Ed25519 signing key: '{SecretKeyPrefix}' must be followed by the base64 of a {Ed25519KeyBytes}-byte seed (or of 64 bytes, seed and public key){Decoded(bytes)}");
        }

        var prefixed = value.StartsWith(SymmetricPrefix, StringComparison.Ordinal);
        var key = Base64(prefixed ? value[SymmetricPrefix.Length..] : value);
        return key is { Length: > 0 }
            ? (new(StandardWebhooksKeyKind.Symmetric, key), null)
            : (null, prefixed
                ? $"is not a Standard Webhooks secret: '{SymmetricPrefix}' must be followed by the base64 of a key"
                : $"is not a Standard Webhooks key: it must be '{SymmetricPrefix}' and base64 (an HMAC secret) or '{PublicKeyPrefix}' and base64 (an Ed25519 public key)");
    }

    private static byte[]? Base64(string encoded)
    {
        try
        {
            return Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Decoded(byte[]? bytes) => bytes is null ? " (it is not base64)" : $" (it decodes to {bytes.Length})";
}
