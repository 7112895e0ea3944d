using System.Text.Json;

namespace Integrations.Sandbox.Webhooks;

/// <summary>
/// The sandbox's one GitHub repository webhook (<see cref="HookId"/> on <see cref="Repository"/>) and
/// its delivery log, as GitHub keeps it for <c>GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries</c>:
/// every attempt is one entry with its own numeric id; a redelivery is a new entry with the same
/// <c>guid</c> (the <c>X-GitHub-Delivery</c>) and <c>redelivery: true</c>. Every GitHub webhook the sandbox
/// sends goes through this hook, whatever repository its payload names. A dropped delivery is logged
/// as a failed attempt (status code 0, as GitHub logs one that never reached the receiver).
/// </summary>
public sealed class GitHubHookDeliveries(TimeProvider time)
{
    /// <summary>The hook's id, also sent as <c>X-GitHub-Hook-ID</c>.</summary>
    public const long HookId = 100000001;

    /// <summary>The repository the hook belongs to.</summary>
    public const string Repository = "acme/sandbox";

    /// <summary>The repository's numeric id, as GitHub reports it in <c>repository_id</c>.</summary>
    public const long RepositoryId = 700000001;

    private readonly Lock _lock = new();
    private readonly List<HookDelivery> _deliveries = [];
    private long _nextId = 90000000000;

    public HookDelivery Record(OutgoingWebhook webhook, bool redelivery, int statusCode, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        string? action = null;
        using (var body = JsonDocument.Parse(webhook.Json ?? webhook.Body))
        {
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String)
            {
                action = a.GetString();
            }
        }

        lock (_lock)
        {
            var delivery = new HookDelivery(++_nextId, webhook.DeliveryId, time.GetUtcNow(), redelivery, duration.TotalSeconds,
                Status(statusCode), statusCode, webhook.EventType, action, webhook);
            _deliveries.Add(delivery);
            return delivery;
        }
    }

    /// <summary>Every attempt, newest first.</summary>
    public IReadOnlyList<HookDelivery> NewestFirst()
    {
        lock (_lock)
        {
            return [.. _deliveries.OrderByDescending(d => d.Id)];
        }
    }

    public HookDelivery? Find(long id)
    {
        lock (_lock)
        {
            return _deliveries.Find(d => d.Id == id);
        }
    }

    public static bool IsHook(string owner, string repo, long hookId) =>
        hookId == HookId && string.Equals($"{owner}/{repo}", Repository, StringComparison.OrdinalIgnoreCase);

    private static string Status(int statusCode) => statusCode switch
    {
        0 => "failed to connect to host",
        >= 200 and < 300 => "OK",
        _ => $"Invalid HTTP Response: {statusCode}",
    };
}

/// <summary>One attempt of a hook delivery, with the webhook it sent so that it can be sent again.</summary>
public sealed record HookDelivery(
    long Id, string Guid, DateTimeOffset DeliveredAt, bool Redelivery, double Duration, string Status, int StatusCode,
    string Event, string? Action, OutgoingWebhook Webhook);
