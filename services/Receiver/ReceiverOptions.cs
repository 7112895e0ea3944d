using System.Text.RegularExpressions;
using Integrations.Receiver.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

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

    /// <summary>Bodies larger than this (bytes) grow as they arrive and need a large-body slot; default 64 KiB.</summary>
    public int LargeBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How many large bodies may be arriving at once; more are refused with 503 and <c>Retry-After</c>.</summary>
    public int MaxConcurrentLargeBodies { get; set; } = 16;

    /// <summary>The slowest a large body may arrive, in bytes a second after a 5 s grace period; slower ones are ended (408).</summary>
    public double LargeBodyMinBytesPerSecond { get; set; } = 64 * 1024;

    /// <summary>The key that the secret-rotation API requires in <c>X-Api-Key</c>; the AppHost generates it.</summary>
    public string AdminApiKey { get; set; } = "";

    /// <summary><c>sandbox</c> (default) or <c>live</c>, from <c>INTEGRATION_ENV</c>.</summary>
    public string Environment { get; set; } = "sandbox";

    /// <summary>
    /// Built-in sources that are off because no signing secret is set for them, with the variable that
    /// would turn each on. A team configures only the providers it uses; webhooks to an off source get
    /// 404 naming the variable.
    /// </summary>
    public Dictionary<string, string> OffSources { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Adds each well-known secret variable's value to its source's active secrets; a built-in source
    /// left with no secret at all is turned off (<see cref="OffSources"/>).
    /// </summary>
    public void AddSecretsFromEnvironment(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Environment = IntegrationEnvironment.Parse(configuration[IntegrationEnvironment.Variable]);
        foreach (var (source, variable) in SecretVariables)
        {
            if (!Sources.TryGetValue(source, out var options))
            {
                continue;
            }

            if (configuration[variable] is { Length: > 0 } secret && !options.Secrets.Contains(secret))
            {
                options.Secrets.Add(secret);
            }

            if (options.Secrets.Count == 0)
            {
                Sources.Remove(source);
                OffSources[source] = variable;
            }
        }
    }

    /// <summary>Every problem with the configuration, each naming its key; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (LargeBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            yield return $"{SectionName}:LargeBodyBytes must be between 1024 and 16777216.";
        }

        if (MaxConcurrentLargeBodies is < 1 or > 1024)
        {
            yield return $"{SectionName}:MaxConcurrentLargeBodies must be between 1 and 1024.";
        }

        if (LargeBodyMinBytesPerSecond is < 240 or > 100 * 1024 * 1024)
        {
            yield return $"{SectionName}:LargeBodyMinBytesPerSecond must be between 240 and 104857600.";
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
            else if (source.Scheme == "standard")
            {
                // whsec_ (HMAC, v1) and whpk_ (Ed25519 public key, v1a) verify; anything else never would.
                for (var i = 0; i < source.Secrets.Count; i++)
                {
                    if (StandardWebhooksKey.VerificationKeyProblem(source.Secrets[i]) is { } problem)
                    {
                        yield return $"{key}:Secrets:{i} {problem}.";
                    }
                }
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
