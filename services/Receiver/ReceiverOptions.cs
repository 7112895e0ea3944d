using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Integrations.Receiver;

/// <summary>Webhook sources and their secrets, bound from the <c>Receiver</c> section.</summary>
public sealed partial class ReceiverOptions
{
    public const string SectionName = "Receiver";
    public const long MaxBodyLimit = 25 * 1024 * 1024;

    /// <summary>
    /// Well-known secrets by the environment variable users know them by, and the source each signs.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SecretVariables = new Dictionary<string, string>
    {
        ["github"] = "GITHUB_WEBHOOK_SECRET",
        ["stripe"] = "STRIPE_WEBHOOK_SECRET",
        ["slack"] = "SLACK_SIGNING_SECRET",
    };

    /// <summary>
    /// Sources by the name used in <c>/webhooks/{source}</c>; other names get 404. <c>github</c>,
    /// <c>stripe</c> and <c>slack</c> exist by default; Standard Webhooks sources are added by
    /// configuration (<c>Receiver:Sources:&lt;name&gt;:Scheme=standard</c>).
    /// </summary>
    public Dictionary<string, WebhookSourceOptions> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["github"] = new() { Scheme = "github", MaxBodyBytes = MaxBodyLimit },
        ["stripe"] = new() { Scheme = "stripe" },
        ["slack"] = new() { Scheme = "slack" },
    };

    /// <summary>The key that the secret-rotation API requires in <c>X-Api-Key</c>; the AppHost generates it.</summary>
    public string AdminApiKey { get; set; } = "";

    /// <summary><c>sandbox</c> (default) or <c>live</c>, from <c>INTEGRATION_ENV</c>.</summary>
    public string Environment { get; set; } = "sandbox";

    /// <summary>Adds each well-known secret variable's value to its source's active secrets.</summary>
    public void AddSecretsFromEnvironment(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Environment = configuration["INTEGRATION_ENV"] is { Length: > 0 } environment ? environment.Trim().ToLowerInvariant() : "sandbox";
        foreach (var (source, variable) in SecretVariables)
        {
            if (Sources.TryGetValue(source, out var options) && configuration[variable] is { Length: > 0 } secret && !options.Secrets.Contains(secret))
            {
                options.Secrets.Add(secret);
            }
        }
    }

    /// <summary>Every problem with the configuration, each naming its key; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (Environment is not ("sandbox" or "live"))
        {
            yield return "INTEGRATION_ENV must be 'sandbox' or 'live'.";
        }

        foreach (var (name, source) in Sources)
        {
            var key = $"{SectionName}:Sources:{name}";
            if (!SourceName().IsMatch(name))
            {
                yield return $"{key}: a source name is lowercase letters, digits and dashes.";
            }

            if (source.Scheme is not ("github" or "stripe" or "slack" or "standard"))
            {
                yield return $"{key}:Scheme must be github, stripe, slack or standard.";
            }

            if (source.Secrets.Count == 0 || source.Secrets.Any(string.IsNullOrWhiteSpace))
            {
                var variable = SecretVariables.TryGetValue(name, out var v) ? $" (or {v})" : "";
                yield return $"{key}:Secrets needs at least one secret{variable}.";
            }

            if (source.MaxBodyBytes is <= 0 or > MaxBodyLimit)
            {
                yield return $"{key}:MaxBodyBytes must be between 1 and {MaxBodyLimit}.";
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex SourceName();
}
