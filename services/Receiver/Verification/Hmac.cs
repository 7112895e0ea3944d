using System.Security.Cryptography;
using System.Text;

namespace Integrations.Receiver.Verification;

/// <summary>HMAC-SHA256 over a signed prefix and the raw body, compared in constant time against every secret.</summary>
internal static class Hmac
{
    /// <summary>
    /// True when any candidate signature equals HMAC-SHA256(key, prefix ‖ body) for any key. Every
    /// key and candidate is tried, with no early exit, so timing does not reveal which one matched.
    /// </summary>
    public static bool AnyMatches(IEnumerable<byte[]> keys, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body, IReadOnlyList<byte[]> candidates)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var match = false;
        foreach (var key in keys)
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            hmac.AppendData(prefix);
            hmac.AppendData(body);
            hmac.GetHashAndReset(expected);
            foreach (var candidate in candidates)
            {
                match |= CryptographicOperations.FixedTimeEquals(expected, candidate);
            }
        }

        return match;
    }

    public static IEnumerable<byte[]> Utf8Keys(IEnumerable<string> secrets) => secrets.Select(Encoding.UTF8.GetBytes);

    public static byte[]? FromHex(ReadOnlySpan<char> hex)
    {
        if (hex.Length != HMACSHA256.HashSizeInBytes * 2)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool WithinTolerance(long unixSeconds, DateTimeOffset now, TimeSpan tolerance) =>
        Math.Abs(now.ToUnixTimeSeconds() - unixSeconds) <= tolerance.TotalSeconds;
}
