using System.Security.Cryptography;
using Integrations.Receiver.Verification;
using Microsoft.AspNetCore.Http;

namespace Integrations.Services.Tests;

internal static class SchemeTestKit
{
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    public static WebhookContext Sandbox => new(Now, "sandbox");

    public static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        return dictionary;
    }

    /// <summary>An independent HMAC-SHA256, so tests do not check the code against itself.</summary>
    public static byte[] Hmac(byte[] key, string message) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(message));
}
