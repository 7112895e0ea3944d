using System.Text.Json.Serialization;

namespace Integrations.Worker.GitHub;

/// <summary>
/// One attempt in a webhook's delivery log (<c>GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries</c>):
/// <see cref="Id"/> names the attempt, <see cref="Guid"/> the delivery (its <c>X-GitHub-Delivery</c>), shared
/// by every redelivery of it.
/// </summary>
public sealed record GitHubHookDelivery(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("guid")] string Guid,
    [property: JsonPropertyName("delivered_at")] DateTimeOffset DeliveredAt,
    [property: JsonPropertyName("redelivery")] bool Redelivery,
    [property: JsonPropertyName("status_code")] int StatusCode,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("action")] string? Action);
