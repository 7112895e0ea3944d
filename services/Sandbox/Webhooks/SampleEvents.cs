using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Sandbox.Stripe;

namespace Integrations.Sandbox.Webhooks;

/// <summary>
/// Webhook bodies in each provider's shape, built from the sandbox's seeded data: a GitHub
/// <c>push</c>, Stripe events (<c>checkout.session.completed</c> from a seeded session,
/// <c>customer.created/updated</c> from a seeded customer, any other type with the given object),
/// a Slack <c>event_callback</c>. A caller's <c>payload</c> is merged over the defaults, property by
/// property: into the whole body for GitHub, into <c>data.object</c> for Stripe, into <c>event</c> for Slack.
/// </summary>
public sealed class SampleEvents(StripeCatalog catalog, TimeProvider time)
{
    /// <summary>A GitHub event; with <paramref name="form"/>, sent as <c>payload=&lt;url-encoded JSON&gt;</c> like a form-encoded hook.</summary>
    public OutgoingWebhook GitHub(string? eventType, JsonObject? payload, bool form = false)
    {
        var body = new JsonObject
        {
            ["ref"] = "refs/heads/main",
            ["repository"] = new JsonObject { ["full_name"] = "acme/sandbox", ["private"] = false },
            ["pusher"] = new JsonObject { ["name"] = "octocat", ["email"] = "octocat@example.com" },
            ["sender"] = new JsonObject { ["login"] = "octocat" },
            ["commits"] = new JsonArray(new JsonObject { ["id"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)), ["message"] = "feat: sandbox change" }),
        };
        Merge(body, payload);
        var json = JsonSerializer.SerializeToUtf8Bytes(body);
        return form
            ? new OutgoingWebhook("github", eventType ?? "push", Guid.NewGuid().ToString(), Form(("payload", Encoding.UTF8.GetString(json))), Json: json)
            : new OutgoingWebhook("github", eventType ?? "push", Guid.NewGuid().ToString(), json);
    }

    /// <summary>A Slack slash command: the form fields Slack posts, <paramref name="payload"/> merged over them.</summary>
    public OutgoingWebhook SlackSlashCommand(string? command, JsonObject? payload)
    {
        var fields = new JsonObject
        {
            ["token"] = "sandbox-verification-token",
            ["team_id"] = "T00SANDBOX",
            ["team_domain"] = "sandbox",
            ["channel_id"] = "C00SANDBOX",
            ["channel_name"] = "sandbox",
            ["user_id"] = "U00SANDBOX",
            ["user_name"] = "sandbox-user",
            ["command"] = command ?? "/sandbox",
            ["text"] = "hello from the sandbox",
            ["api_app_id"] = "A00SANDBOX",
            ["response_url"] = "https://hooks.slack.com/commands/T00SANDBOX/1/sandbox",
            ["trigger_id"] = TriggerId(),
        };
        Merge(fields, payload);
        var pairs = fields.Select(pair => (pair.Key, pair.Value?.ToString() ?? "")).ToArray();
        var json = JsonSerializer.SerializeToUtf8Bytes(new JsonObject(pairs.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Item2))));
        return new OutgoingWebhook("slack", "slash_command", TriggerIdOf(fields), Form(pairs), Json: json);
    }

    /// <summary>A Slack interaction (<c>block_actions</c> by default): one <c>payload</c> field holding its JSON.</summary>
    public OutgoingWebhook SlackInteraction(string? type, JsonObject? payload)
    {
        var interaction = new JsonObject
        {
            ["type"] = type ?? "block_actions",
            ["trigger_id"] = TriggerId(),
            ["user"] = new JsonObject { ["id"] = "U00SANDBOX", ["username"] = "sandbox-user" },
            ["team"] = new JsonObject { ["id"] = "T00SANDBOX", ["domain"] = "sandbox" },
            ["api_app_id"] = "A00SANDBOX",
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "approve", ["block_id"] = "sandbox", ["value"] = "yes" }),
        };
        Merge(interaction, payload);
        var json = JsonSerializer.SerializeToUtf8Bytes(interaction);
        return new OutgoingWebhook("slack", interaction["type"]!.ToString(), TriggerIdOf(interaction), Form(("payload", Encoding.UTF8.GetString(json))), Json: json);
    }

    public OutgoingWebhook Slack(string? eventType, JsonObject? payload)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var inner = new JsonObject
        {
            ["type"] = eventType ?? "app_mention",
            ["user"] = "U00SANDBOX",
            ["text"] = "<@U00BOT> hello from the sandbox",
            ["channel"] = "C00SANDBOX",
            ["ts"] = $"{now}.000100",
            ["event_ts"] = $"{now}.000100",
        };
        Merge(inner, payload);
        var eventId = "Ev" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10);
        var body = new JsonObject
        {
            ["token"] = "sandbox-verification-token",
            ["team_id"] = "T00SANDBOX",
            ["api_app_id"] = "A00SANDBOX",
            ["event"] = inner,
            ["type"] = "event_callback",
            ["event_id"] = eventId,
            ["event_time"] = now,
        };
        return new OutgoingWebhook("slack", inner["type"]!.GetValue<string>(), eventId, JsonSerializer.SerializeToUtf8Bytes(body));
    }

    /// <summary>The event a help desk sends when a support export is updated: it starts a support triage run.</summary>
    public const string SupportExportUpdated = "support.export.updated";

    /// <summary>
    /// A Standard Webhooks event of a declared source: <c>{"type", "timestamp", "data"}</c>, the caller's
    /// <c>payload</c> merged into <c>data</c>. A <c>support.export.updated</c> (the default type) names
    /// the sandbox's help-desk export and the repository its queued triage runs may file into; the
    /// caller adds the Google <c>connectionId</c> to read it with.
    /// </summary>
    public OutgoingWebhook Standard(string source, string? eventType, JsonObject? payload)
    {
        var type = eventType ?? SupportExportUpdated;
        var data = type == SupportExportUpdated
            ? new JsonObject { ["fileId"] = "1SupportHelpDeskSandbox2026", ["repository"] = "acme/support-queued" }
            : [];
        Merge(data, payload);
        var body = new JsonObject { ["type"] = type, ["timestamp"] = time.GetUtcNow().ToString("O"), ["data"] = data };
        return new OutgoingWebhook(source, type, "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), JsonSerializer.SerializeToUtf8Bytes(body), "standard");
    }

    /// <summary>A Stripe event; <paramref name="age"/> moves its <c>created</c> into the past.</summary>
    public OutgoingWebhook Stripe(string type, string? sessionId, string? customerId, JsonObject? payload, TimeSpan age = default, JsonObject? previousAttributes = null)
    {
        var data = type switch
        {
            "checkout.session.completed" => JsonSerializer.SerializeToNode(CheckoutSession(sessionId).ToJson(Customer(CheckoutSession(sessionId).CustomerId)))!.AsObject(),
            "customer.created" or "customer.updated" => JsonSerializer.SerializeToNode(Customer(customerId ?? CheckoutSession(sessionId).CustomerId).ToJson())!.AsObject(),
            _ => [],
        };
        Merge(data, payload);

        var eventId = "evt_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24);
        var dataNode = new JsonObject { ["object"] = data };
        if (previousAttributes is not null)
        {
            dataNode["previous_attributes"] = previousAttributes;
        }

        var body = new JsonObject
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = "2025-01-27.acacia",
            ["created"] = (time.GetUtcNow() - age).ToUnixTimeSeconds(),
            ["data"] = dataNode,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        };
        return new OutgoingWebhook("stripe", type, eventId, JsonSerializer.SerializeToUtf8Bytes(body));
    }

    /// <summary>
    /// <c>checkout_completed</c>: a seeded session's <c>checkout.session.completed</c>, then a pair of
    /// <c>customer.updated</c> for its customer that change the email twice; the pair comes newest
    /// first unless <paramref name="order"/> is <c>in</c>. Every event is dated in the past, in
    /// creation order, so a receiver that keeps the newest state ends with the second change.
    /// </summary>
    public IReadOnlyList<OutgoingWebhook> CheckoutCompletedScenario(string? sessionId, string order)
    {
        var session = CheckoutSession(sessionId);
        var customer = Customer(session.CustomerId);
        var (local, domain) = SplitEmail(customer.Email ?? $"{customer.Id}@example.com");
        var older = $"{local}+older@{domain}";
        var newer = $"{local}+newer@{domain}";

        var checkout = Stripe("checkout.session.completed", session.Id, null, null, TimeSpan.FromSeconds(3));
        var first = Stripe("customer.updated", null, customer.Id, new JsonObject { ["email"] = older }, TimeSpan.FromSeconds(2),
            new JsonObject { ["email"] = customer.Email });
        var second = Stripe("customer.updated", null, customer.Id, new JsonObject { ["email"] = newer }, TimeSpan.FromSeconds(1),
            new JsonObject { ["email"] = older });
        return order == "in" ? [checkout, first, second] : [checkout, second, first];
    }

    public StripeCheckoutSession CheckoutSession(string? id) =>
        id is null ? StripeCatalog.SeededSessions[0]
        : catalog.Session(id) ?? throw new KeyNotFoundException($"No seeded checkout session '{id}'.");

    public StripeCheckoutSession? CheckoutSessionOrDefault(string id) => catalog.Session(id);

    public StripeCustomer? CustomerOrDefault(string id) => catalog.Customer(id);

    private StripeCustomer Customer(string id) =>
        catalog.Customer(id) ?? throw new KeyNotFoundException($"No seeded customer '{id}'.");

    private static (string Local, string Domain) SplitEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? (email[..at], email[(at + 1)..]) : (email, "example.com");
    }

    /// <summary>
    /// Whether a caller's <c>payload</c> leaves a Slack form a trigger id to be known by: the receiver names such
    /// a delivery by it (without one, by a digest of the signed request, which the sandbox does not report).
    /// </summary>
    public static bool KeepsTriggerId(JsonObject? payload) =>
        payload is null || !payload.TryGetPropertyValue("trigger_id", out var trigger) || (trigger is JsonValue value && value.TryGetValue<string>(out var id) && id.Length > 0);

    private static string TriggerIdOf(JsonObject body) =>
        body["trigger_id"] is JsonValue value && value.TryGetValue<string>(out var id) && id.Length > 0
            ? id
            : throw new ArgumentException("A sandbox Slack form needs a trigger_id.", nameof(body));

    /// <summary>Slack's shape of a trigger id: two numbers and a hex string.</summary>
    private static string TriggerId() =>
        $"{RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue)}.{RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";

    private static byte[] Form(params (string Name, string Value)[] fields) =>
        Encoding.UTF8.GetBytes(string.Join('&', fields.Select(f => $"{WebUtility.UrlEncode(f.Name)}={WebUtility.UrlEncode(f.Value)}")));

    private static void Merge(JsonObject target, JsonObject? overrides)
    {
        foreach (var (name, value) in overrides ?? [])
        {
            target[name] = value?.DeepClone();
        }
    }
}
