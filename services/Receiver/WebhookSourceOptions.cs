namespace Integrations.Receiver;

public sealed class WebhookSourceOptions
{
    /// <summary>The signature scheme: <c>github</c>, <c>stripe</c>, <c>slack</c> or <c>standard</c> (Standard Webhooks).</summary>
    public string Scheme { get; set; } = "standard";

    /// <summary>
    /// The active signing secrets. A delivery signed with any of them is accepted, so a secret is
    /// rotated without downtime: add the new one, switch the sender over, remove the old one.
    /// For Stripe these are the secrets of this deployment's mode (test in sandbox, live in live).
    /// </summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>The largest body accepted, in bytes; larger bodies get 413. Default 1 MiB; at most 25 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}
