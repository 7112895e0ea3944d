using System.Text.Json;
using System.Text.Json.Serialization;
using Integrations.Receiver.Apis;

namespace Integrations.Receiver;

/// <summary>
/// Source-generated JSON for what the receiver writes on every delivery: the answer to the
/// provider (the stored replay headers are written by <c>DeliveryStorage</c>). Web defaults (camelCase), as before, without
/// reflection-based serialisation on the request path.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeliveryAccepted))]
[JsonSerializable(typeof(SlackChallenge))]
public sealed partial class ReceiverJsonContext : JsonSerializerContext;
