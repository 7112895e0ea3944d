using System.Text.Json;
using System.Text.Json.Serialization;

namespace Integrations.Gate.Client;

/// <summary>
/// Source-generated JSON for the gate's contracts, with the web defaults both sides already used
/// (camelCase names). The gate and <see cref="GateClient"/> both read and write through it, so no
/// request pays for reflection-based serialisation on either side.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BeginRequest))]
[JsonSerializable(typeof(BeginResult))]
[JsonSerializable(typeof(BeginRequest[]))]
[JsonSerializable(typeof(IReadOnlyList<BeginRequest>))]
[JsonSerializable(typeof(BeginResult[]))]
[JsonSerializable(typeof(List<BeginResult>))]
[JsonSerializable(typeof(CompleteRequest[]))]
[JsonSerializable(typeof(IReadOnlyList<CompleteRequest>))]
[JsonSerializable(typeof(SettleResult[]))]
[JsonSerializable(typeof(List<SettleResult>))]
[JsonSerializable(typeof(CompleteRequest))]
[JsonSerializable(typeof(FailRequest))]
[JsonSerializable(typeof(SettleResult))]
[JsonSerializable(typeof(RateLimitRequest))]
[JsonSerializable(typeof(RateLimitRequest[]))]
[JsonSerializable(typeof(IReadOnlyList<RateLimitRequest>))]
[JsonSerializable(typeof(RateLimitDecision))]
[JsonSerializable(typeof(RateLimitDecision[]))]
[JsonSerializable(typeof(List<RateLimitDecision>))]
[JsonSerializable(typeof(ProviderResponseReport))]
[JsonSerializable(typeof(RateLimitPause))]
public sealed partial class GateJsonContext : JsonSerializerContext;
