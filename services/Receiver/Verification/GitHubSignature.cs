using System.Security.Cryptography;
using System.Text;

namespace Integrations.Receiver.Verification;

/// <summary>
/// GitHub's webhook signature: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>,
/// keyed with the webhook secret. The HMAC is computed over the bytes exactly as received, before
/// any JSON parsing, and compared in constant time against each active secret in turn, so rotation
/// needs no downtime. Neither the secret nor the expected signature ever leaves this class.
/// </summary>
public static class GitHubSignature
{
    public const string HeaderName = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    /// <summary>Parses the header; <c>null</c> when it is not <c>sha256=</c> followed by 64 hex digits.</summary>
    public static byte[]? ParseHeader(string? header)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + 64)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool Verify(ReadOnlySpan<byte> body, ReadOnlySpan<byte> signature, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var match = false;
        foreach (var secret in secrets)
        {
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
            // No early exit: every secret is tried, so timing does not reveal which one matched.
            match |= CryptographicOperations.FixedTimeEquals(expected, signature);
        }

        return match;
    }

    /// <summary>Builds the header value for a body; used by the sandbox and tests to sign deliveries.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
