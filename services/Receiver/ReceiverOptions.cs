using Microsoft.Extensions.Configuration;

namespace Integrations.Receiver;

/// <summary>Webhook sources and their secrets, bound from the <c>Receiver</c> section.</summary>
public sealed class ReceiverOptions
{
    public const string SectionName = "Receiver";

    /// <summary>Sources by name as they appear in <c>/webhooks/{source}</c>. Unknown names get 404.</summary>
    public Dictionary<string, WebhookSourceOptions> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["github"] = new() { MaxBodyBytes = 25 * 1024 * 1024 },
    };

    /// <summary>
    /// Adds the secret named by the well-known environment variable (e.g. <c>GITHUB_WEBHOOK_SECRET</c>)
    /// to its source's list of active secrets.
    /// </summary>
    public void AddSecretsFromEnvironment(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (Sources.TryGetValue("github", out var github) && configuration["GITHUB_WEBHOOK_SECRET"] is { Length: > 0 } secret
            && !github.Secrets.Contains(secret))
        {
            github.Secrets.Add(secret);
        }
    }
}
