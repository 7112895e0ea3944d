using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace Integrations.Testing;

/// <summary>
/// Builds webhook requests as each provider sends them, signed over the exact body bytes with
/// each provider's documented algorithm, independently of the receiver's own code.
/// </summary>
public static class Webhooks
{
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static HttpRequestMessage Stripe(byte[] body, string secret, long? timestamp = null)
    {
        var t = (timestamp ?? Now).ToString(CultureInfo.InvariantCulture);
        var v1 = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes(t + "."), .. body]));
        return Json("stripe", body, ("Stripe-Signature", $"t={t},v1={v1}"));
    }

    public static HttpRequestMessage Slack(byte[] body, string secret, long? timestamp = null)
    {
        var ts = (timestamp ?? Now).ToString(CultureInfo.InvariantCulture);
        var v0 = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes($"v0:{ts}:"), .. body]));
        return Json("slack", body, ("X-Slack-Request-Timestamp", ts), ("X-Slack-Signature", $"v0={v0}"));
    }

    /// <summary>
    /// A Standard Webhooks delivery signed <c>v1a</c> (Ed25519) with a <c>whsk_</c> seed, over <c>id.ts.body</c>;
    /// <paramref name="otherEntries"/> are listed before it in <c>webhook-signature</c>.
    /// </summary>
    public static HttpRequestMessage StandardV1a(string source, string id, byte[] body, string signingKey, string otherEntries = "", long? timestamp = null)
    {
        var ts = (timestamp ?? Now).ToString(CultureInfo.InvariantCulture);
        using var key = Ed25519Key(signingKey);
        var v1a = Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(key, [.. Encoding.UTF8.GetBytes($"{id}.{ts}."), .. body]));
        return Json(source, body, ("webhook-id", id), ("webhook-timestamp", ts), ("webhook-signature", $"{otherEntries} v1a,{v1a}".Trim()));
    }

    /// <summary>The <c>whpk_</c> public key of a <c>whsk_</c> seed.</summary>
    public static string Ed25519PublicKey(string signingKey)
    {
        using var key = Ed25519Key(signingKey);
        return "whpk_" + Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>
    /// GitHub with its hook's content type set to <c>application/x-www-form-urlencoded</c>: the JSON goes in a
    /// <c>payload</c> field, and the signature is over the form's bytes.
    /// </summary>
    public static HttpRequestMessage GitHubForm(byte[] json, string deliveryId, string secret, string eventType = "push") =>
        GitHubSignedForm(Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(Encoding.UTF8.GetString(json))), deliveryId, secret, eventType);

    /// <summary>Any form bytes, sent and signed as GitHub sends a form-encoded hook.</summary>
    public static HttpRequestMessage GitHubSignedForm(byte[] form, string deliveryId, string secret, string eventType = "push")
    {
        var request = Form("github", form, ("X-GitHub-Event", eventType), ("X-GitHub-Delivery", deliveryId), ("X-Hub-Signature-256", GitHubDelivery.Sign(form, secret)));
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/tests");
        return request;
    }

    /// <summary>A Slack slash command or interaction: a form, signed like every Slack request over <c>v0:ts:body</c>.</summary>
    public static HttpRequestMessage SlackForm(byte[] form, string secret, long? timestamp = null)
    {
        var ts = (timestamp ?? Now).ToString(CultureInfo.InvariantCulture);
        var v0 = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes($"v0:{ts}:"), .. form]));
        return Form("slack", form, ("X-Slack-Request-Timestamp", ts), ("X-Slack-Signature", $"v0={v0}"));
    }

    /// <summary>A slash command's fields, as Slack sends them.</summary>
    public static byte[] SlackSlashCommand(string triggerId, string text) => Encoding.UTF8.GetBytes(
        "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&channel_id=C2147483705&channel_name=test"
        + "&user_id=U2147483697&user_name=Steve&command=%2Fweather&text=" + WebUtility.UrlEncode(text)
        + "&api_app_id=A123456&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id=" + WebUtility.UrlEncode(triggerId));

    /// <summary>An interaction (<c>block_actions</c>, say): one <c>payload</c> field holding its JSON.</summary>
    public static byte[] SlackInteraction(string type, string triggerId) => Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(JsonSerializer.Serialize(new
    {
        type,
        trigger_id = triggerId,
        user = new { id = "U2147483697", username = "steve" },
        team = new { id = "T0001" },
        actions = new[] { new { action_id = "approve", block_id = "b1", value = "yes & more" } },
    })));

    public static HttpRequestMessage Standard(string source, string id, byte[] body, string secret, long? timestamp = null)
    {
        var ts = (timestamp ?? Now).ToString(CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var v1 = Convert.ToBase64String(HMACSHA256.HashData(key, (byte[])[.. Encoding.UTF8.GetBytes($"{id}.{ts}."), .. body]));
        return Json(source, body, ("webhook-id", id), ("webhook-timestamp", ts), ("webhook-signature", $"v1,{v1}"));
    }

    public static byte[] StripeCustomerUpdated(string eventId, string customerId, string email, long created) => Encoding.UTF8.GetBytes(
        "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":" + created.ToString(CultureInfo.InvariantCulture)
        + ",\"livemode\":false,\"type\":\"customer.updated\",\"data\":{\"object\":{\"id\":\"" + customerId
        + "\",\"object\":\"customer\",\"email\":\"" + email + "\"}}}");

    /// <summary>
    /// A <c>checkout.session.completed</c> event for a seeded session: with <paramref name="details"/>
    /// it carries the customer's email, the plan and the amount as Stripe does; without, only the ids.
    /// </summary>
    public static byte[] StripeCheckoutCompleted(string eventId, string sessionId, string customerId, (string Email, string Plan, long Amount, string Currency)? details)
    {
        var session = new Dictionary<string, object>
        {
            ["id"] = sessionId,
            ["object"] = "checkout.session",
            ["customer"] = customerId,
            ["mode"] = "subscription",
            ["status"] = "complete",
        };
        if (details is { } d)
        {
            session["customer_details"] = new { email = d.Email };
            session["metadata"] = new { plan = d.Plan };
            session["amount_total"] = d.Amount;
            session["currency"] = d.Currency;
        }

        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = "2025-01-27.acacia",
            ["created"] = Now,
            ["livemode"] = false,
            ["type"] = "checkout.session.completed",
            ["data"] = new { @object = session },
        });
    }

    public static byte[] SlackEvent(string eventId) => Encoding.UTF8.GetBytes(
        "{\"type\":\"event_callback\",\"event_id\":\"" + eventId + "\",\"event_time\":" + Now.ToString(CultureInfo.InvariantCulture)
        + ",\"event\":{\"type\":\"app_mention\",\"text\":\"hello\"}}");

    private static Key Ed25519Key(string signingKey) =>
        Key.Import(SignatureAlgorithm.Ed25519, Convert.FromBase64String(signingKey["whsk_".Length..]), KeyBlobFormat.RawPrivateKey);

    private static HttpRequestMessage Json(string source, byte[] body, params (string Name, string Value)[] headers) =>
        Request(source, body, "application/json", headers);

    private static HttpRequestMessage Form(string source, byte[] body, params (string Name, string Value)[] headers) =>
        Request(source, body, "application/x-www-form-urlencoded", headers);

    private static HttpRequestMessage Request(string source, byte[] body, string mediaType, (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{source}") { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
