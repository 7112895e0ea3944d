using System.Text.Json;

namespace Integrations.Receiver.Verification;

internal static class JsonBody
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 64 };

    public static bool IsDocument(byte[] body) => TryParse(body, out var document) && Dispose(document);

    /// <summary>Parses a body as a JSON object; <c>false</c> for anything else, including too-deep nesting.</summary>
    public static bool TryParse(byte[] body, out JsonDocument document)
    {
        try
        {
            document = JsonDocument.Parse(body, s_options);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return true;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
        }

        document = null!;
        return false;
    }

    /// <summary>
    /// Whether a JSON body holds a NUL character in a string or a name (the escape <c>\u0000</c>;
    /// a raw NUL byte is no JSON at all). PostgreSQL's <c>text</c> and <c>jsonb</c> refuse NUL, so
    /// such a delivery could never be stored or processed whole. A byte search answers almost every
    /// body; only one that holds the six characters is read token by token, because they may also be
    /// an escaped backslash followed by <c>u0000</c>.
    /// </summary>
    public static bool HoldsNul(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf("\\u0000"u8) < 0)
        {
            return false;
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = s_options.MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
                    && reader.ValueIsEscaped
                    && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: refused as such elsewhere.
        }

        return false;
    }

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool Dispose(JsonDocument document)
    {
        document.Dispose();
        return true;
    }
}
