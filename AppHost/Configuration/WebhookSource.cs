using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Integrations.AppHost;

/// <summary>
/// A webhook source the receiver serves at <c>/webhooks/{name}</c>. <c>github</c>, <c>stripe</c> and
/// <c>slack</c> exist without being declared; others are declared in configuration, no code needed:
/// <c>Webhooks:Sources:&lt;name&gt;:Scheme</c> (<c>standard</c> for Standard Webhooks, or <c>github</c>,
/// <c>stripe</c>, <c>slack</c>) and optionally <c>:MaxBodyBytes</c>, in the environment or <c>.env</c> as
/// <c>Webhooks__Sources__acme__Scheme=standard</c>. A source's signing secret is the variable
/// <see cref="SecretVariable"/> (<c>ACME_WEBHOOK_SECRET</c>), handled like every other secret
/// (<see cref="IntegrationSettings"/>): random in the sandbox when not set, required in live mode. A
/// Standard Webhooks source's secret is a <c>whsec_</c> HMAC secret or the sender's <c>whpk_</c> Ed25519
/// public key, checked at start (<see cref="Integrations.Receiver.Client.StandardWebhooksKey"/>).
/// Declaring a built-in source only sets its body limit. In sandbox mode <c>support</c>, the help
/// desk whose deliveries start support triage, exists by default.
/// </summary>
public sealed partial record WebhookSource(string Name, string Scheme, long? MaxBodyBytes)
{
    public const string SectionName = "Webhooks:Sources";
    public const long MaxBodyLimit = 25 * 1024 * 1024;

    /// <summary>The Standard Webhooks source of the sandbox's help desk: its deliveries start support triage.</summary>
    public static readonly WebhookSource SandboxSupport = new("support", "standard", null);

    /// <summary>The built-in sources and the variables their secrets have always had.</summary>
    private static readonly Dictionary<string, string> s_builtIn = new(StringComparer.Ordinal)
    {
        ["github"] = "GITHUB_WEBHOOK_SECRET",
        ["stripe"] = "STRIPE_WEBHOOK_SECRET",
        ["slack"] = "SLACK_SIGNING_SECRET",
    };

    private static readonly string[] s_schemes = ["standard", "github", "stripe", "slack"];

    public bool IsBuiltIn => s_builtIn.ContainsKey(Name);

    /// <summary>The variable holding the source's signing secret: <c>&lt;NAME&gt;_WEBHOOK_SECRET</c>, dashes as underscores.</summary>
    public string SecretVariable =>
        s_builtIn.TryGetValue(Name, out var variable) ? variable : $"{Name.ToUpperInvariant().Replace('-', '_')}_WEBHOOK_SECRET";

    /// <summary>
    /// The sources declared under <see cref="SectionName"/>, plus <see cref="SandboxSupport"/> in the
    /// sandbox unless declared. Every problem is reported at once, each naming its key.
    /// </summary>
    public static IReadOnlyList<WebhookSource> Read(IConfiguration configuration, bool sandbox)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var sources = new List<WebhookSource>();
        var problems = new List<string>();
        foreach (var section in configuration.GetSection(SectionName).GetChildren())
        {
            var key = $"{SectionName}:{section.Key}";
            if (!SourceName().IsMatch(section.Key))
            {
                problems.Add($"{key}: a source name is lowercase letters, digits and dashes, starting with a letter or digit.");
                continue;
            }

            var builtIn = s_builtIn.ContainsKey(section.Key);
            var scheme = section["Scheme"]?.Trim().ToLowerInvariant() is { Length: > 0 } given ? given : builtIn ? section.Key : null;
            if (scheme is null || !s_schemes.Contains(scheme))
            {
                problems.Add($"{key}:Scheme must be {string.Join(", ", s_schemes)}{(scheme is null ? "" : $", not '{section["Scheme"]}'")}.");
                continue;
            }

            if (builtIn && scheme != section.Key)
            {
                problems.Add($"{key}:Scheme: the built-in source {section.Key} is always verified as {section.Key}.");
                continue;
            }

            long? maxBodyBytes = null;
            if (section["MaxBodyBytes"] is { Length: > 0 } limit)
            {
                if (!long.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes is < 1 or > MaxBodyLimit)
                {
                    problems.Add($"{key}:MaxBodyBytes must be a whole number of bytes from 1 to {MaxBodyLimit}.");
                    continue;
                }

                maxBodyBytes = bytes;
            }

            sources.Add(new WebhookSource(section.Key, scheme, maxBodyBytes));
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"The webhook sources are not valid: {string.Join(" ", problems)}");
        }

        if (sandbox && !sources.Any(s => s.Name == SandboxSupport.Name))
        {
            sources.Add(SandboxSupport);
        }

        return sources;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex SourceName();
}
