using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Integrations.Receiver.Verification;

/// <summary>
/// <c>application/x-www-form-urlencoded</c> bodies, as GitHub (a hook set to that content type) and Slack
/// (slash commands, interactions) send them: <c>name=value</c> pairs joined by <c>&amp;</c>, <c>+</c> for a
/// space and <c>%XX</c> for a byte, the bytes being UTF-8. A form is read only after its signature over
/// the raw bytes has been verified. Where the standard parser is lenient this one refuses: a name given
/// twice (which of two <c>payload</c> fields would count?) or bytes that are not UTF-8 make the body
/// malformed, a 400, never a guess.
/// </summary>
internal static class FormBody
{
    public const string MediaType = "application/x-www-form-urlencoded";

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsForm(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType) && mediaType.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The fields in their order; <c>null</c> when the body is malformed (a repeated name, bytes that are not UTF-8).</summary>
    public static IReadOnlyDictionary<string, string>? Parse(ReadOnlySpan<byte> body)
    {
        var fields = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var range in body.Split((byte)'&'))
            {
                var pair = body[range];
                if (pair.IsEmpty)
                {
                    continue;
                }

                var equals = pair.IndexOf((byte)'=');
                var name = Decode(equals < 0 ? pair : pair[..equals]);
                var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
                if (!fields.TryAdd(name, value))
                {
                    return null;
                }
            }
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return fields;
    }

    /// <summary>The fields as one JSON object of strings, in their order: how a slash command is stored.</summary>
    public static byte[] ToJsonObject(IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Decode(ReadOnlySpan<byte> encoded)
    {
        var bytes = encoded.ToArray();
        return s_strictUtf8.GetString(WebUtility.UrlDecodeToBytes(bytes, 0, bytes.Length));
    }
}
