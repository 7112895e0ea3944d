using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Integrations.Sandbox.Webhooks;

/// <summary>
/// Signs outgoing webhooks exactly as each provider does, over the exact body bytes:
/// <list type="bullet">
/// <item>GitHub: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256(secret, body)&gt;</c>, with
/// <c>X-GitHub-Event</c> and <c>X-GitHub-Delivery</c> (no timestamp: GitHub signs none);</item>
/// <item>Stripe: <c>Stripe-Signature: t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret, t + "." + body)&gt;</c>;</item>
/// <item>Slack: <c>X-Slack-Request-Timestamp: ts</c> and <c>X-Slack-Signature: v0=&lt;hex HMAC-SHA256(secret, "v0:" + ts + ":" + body)&gt;</c>;</item>
/// <item>Standard Webhooks: <c>webhook-id</c>, <c>webhook-timestamp</c> and <c>webhook-signature: v1,&lt;base64 HMAC-SHA256(key, id + "." + ts + "." + body)&gt;</c>,
/// the key being the base64 after <c>whsec_</c>.</item>
/// </list>
/// The secrets are the ones the receiver verifies with; none of them is ever returned or logged.
/// </summary>
public static class WebhookSigner
{
    public static IReadOnlyList<(string Name, string Value)> Headers(OutgoingWebhook webhook, string secret, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var t = timestamp.ToString(CultureInfo.InvariantCulture);
        return webhook.SigningScheme switch
        {
            "github" =>
            [
                ("X-GitHub-Event", webhook.EventType),
                ("X-GitHub-Delivery", webhook.DeliveryId),
                ("X-GitHub-Hook-ID", GitHubHookDeliveries.HookId.ToString(CultureInfo.InvariantCulture)),
                ("X-Hub-Signature-256", "sha256=" + Hex(secret, webhook.Body)),
                ("User-Agent", "GitHub-Hookshot/sandbox"),
            ],
            "stripe" =>
            [
                ("Stripe-Signature", $"t={t},v1={Hex(secret, [.. Encoding.UTF8.GetBytes(t + "."), .. webhook.Body])}"),
                ("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"),
            ],
            "slack" =>
            [
                ("X-Slack-Request-Timestamp", t),
                ("X-Slack-Signature", "v0=" + Hex(secret, [.. Encoding.UTF8.GetBytes($"v0:{t}:"), .. webhook.Body])),
                ("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)"),
            ],
            "standard" =>
            [
                ("webhook-id", webhook.DeliveryId),
                ("webhook-timestamp", t),
                ("webhook-signature", "v1," + Convert.ToBase64String(HMACSHA256.HashData(
                    Convert.FromBase64String(secret["whsec_".Length..]), (byte[])[.. Encoding.UTF8.GetBytes($"{webhook.DeliveryId}.{t}."), .. webhook.Body]))),
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(webhook), webhook.SigningScheme, "Not a scheme the sandbox signs with."),
        };
    }

    private static string Hex(string secret, byte[] data) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
}
