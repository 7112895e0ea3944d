namespace Integrations.Receiver;

public sealed class WebhookSourceOptions
{
    /// <summary>
    /// The active signing secrets. A delivery signed with any of them is accepted, so a secret can be
    /// rotated by adding the new one, switching the provider over, then removing the old one.
    /// </summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>The largest body accepted, in bytes; larger bodies get 413. Default 1 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}
