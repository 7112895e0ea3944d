// Redaction of the free-form details object before it is stored and hashed. A value is replaced by
// "[redacted]" when its key, lower-cased with '-', '_', '.' and spaces removed, contains one of
// SecretKeyParts (so "access_token", "X-Api-Key", "clientSecret", "Stripe-Signature" all match), or
// when it is a string that starts with "Bearer " or "Basic ". Objects and arrays are walked at every
// depth; a redacted key's whole value goes, whatever its type. The stored row never held the secret,
// so the hash chain never covers one. Microsoft.Extensions.Compliance.Redaction redacts values by data
// classification of typed properties; details are untyped JSON, so a key-based walk is what fits here.
using System.Text.Json.Nodes;

namespace Integrations.Audit;

public static class DetailsRedactor
{
    public const string Redacted = "[redacted]";

    private static readonly string[] s_secretKeyParts =
    [
        "token", "secret", "password", "passwd", "authorization", "apikey", "signature", "cookie",
        "credential", "privatekey", "accesskey", "sessionkey", "otp",
    ];

    /// <summary>A redacted copy of <paramref name="details"/>; the input is not changed.</summary>
    public static JsonObject Redact(JsonObject? details)
    {
        if (details is null)
        {
            return [];
        }

        return (JsonObject)RedactNode(details.DeepClone())!;
    }

    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var normalized = string.Concat(key.Where(c => c is not ('-' or '_' or '.' or ' '))).ToLowerInvariant();
        return s_secretKeyParts.Any(part => normalized.Contains(part, StringComparison.Ordinal));
    }

    private static JsonNode? RedactNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(pair => pair.Key).ToList())
                {
                    obj[key] = IsSecretKey(key) ? JsonValue.Create(Redacted) : RedactNode(obj[key]);
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    array[i] = RedactNode(array[i]);
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text)
                && (text.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || text.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)):
                return JsonValue.Create(Redacted);
            default:
                return node;
        }
    }
}
