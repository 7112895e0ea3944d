using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Integrations.AppHost.Tests;

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

    private static HttpRequestMessage Json(string source, byte[] body, params (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{source}") { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
