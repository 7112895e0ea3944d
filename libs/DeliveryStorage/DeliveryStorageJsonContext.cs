using System.Text.Json;
using System.Text.Json.Serialization;

namespace Integrations.DeliveryStorage;

/// <summary>Source-generated JSON for the stored replay headers (web defaults, no reflection on the request path).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class DeliveryStorageJsonContext : JsonSerializerContext;
