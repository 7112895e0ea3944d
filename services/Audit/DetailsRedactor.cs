// Redaction of the free-form details object before it is stored and hashed. A value is replaced by
// "[redacted]" when its key, lower-cased with '-', '_', '.' and spaces removed, contains one of
// SecretKeyParts (so "access_token", "X-Api-Key", "clientSecret", "Stripe-Signature" all match), or
// when it is a string that starts with "Bearer " or "Basic ". Objects and arrays are walked at every
// depth; a redacted key's whole value goes, whatever its type. The stored row never held the secret,
// so the hash chain never covers one. Microsoft.Extensions.Compliance.Redaction redacts values by data
// classification of typed properties; details are untyped JSON, so a key-based walk is what fits here.
// The walk copies the parsed request JSON straight to a Utf8JsonWriter: no node objects per value.
using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Integrations.Audit;

public static class DetailsRedactor
{
    public const string Redacted = "[redacted]";

    private static readonly string[] s_secretKeyParts =
    [
        "token", "secret", "password", "passwd", "authorization", "apikey", "signature", "cookie",
        "credential", "privatekey", "accesskey", "sessionkey", "otp",
    ];

    /// <summary>The redacted details as compact JSON text; <c>{}</c> when there are none.</summary>
    public static string Redact(JsonElement? details)
    {
        if (details is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return "{}";
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, element);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<char> normalized = key.Length <= 256 ? stackalloc char[key.Length] : new char[key.Length];
        var length = 0;
        foreach (var c in key)
        {
            if (c is not ('-' or '_' or '.' or ' '))
            {
                normalized[length++] = char.ToLowerInvariant(c);
            }
        }

        ReadOnlySpan<char> text = normalized[..length];
        foreach (var part in s_secretKeyParts)
        {
            if (text.Contains(part, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    if (IsSecretKey(property.Name))
                    {
                        writer.WriteStringValue(Redacted);
                    }
                    else
                    {
                        Write(writer, property.Value);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                writer.WriteStringValue(
                    text.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || text.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                        ? Redacted
                        : text);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
