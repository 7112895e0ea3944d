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
