using System.Security.Cryptography;
using System.Text;

namespace Integrations.TokenBroker.Connections;

/// <summary>PKCE (RFC 7636) with S256, and the random <c>state</c>; both 256-bit, base64url.</summary>
public static class Pkce
{
    public static string NewVerifier() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Challenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public static string NewState() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>How a state is stored: its SHA-256, so the table holds nothing an attacker could replay.</summary>
    public static string HashState(string state) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
