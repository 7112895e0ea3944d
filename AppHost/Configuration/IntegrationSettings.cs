using System.Security.Cryptography;
using Integrations.Receiver.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Integrations.AppHost;

/// <summary>
/// The environment (<c>INTEGRATION_ENV</c>) and the provider secrets, as Aspire secret parameters.
/// Values come from the process environment or, where it has none, from a <c>.env</c> file at the
/// repository root. In <c>sandbox</c> (the default) a missing secret gets a random sandbox value that
/// the sandbox also uses, so signatures and tokens check out end to end. In <c>live</c> a team sets
/// only the providers it uses: a secret that is not set is not passed on, and what needs it is off
/// (a receiver source, a worker flow, a broker OAuth app); half an OAuth app (an id without its secret,
/// or the reverse) stops start-up with the variable's name, never a value. In both, a placeholder, a secret
/// that is too short, a Stripe key of the other mode, or a Standard Webhooks source's key that is neither a
/// <c>whsec_</c> secret nor a <c>whpk_</c> public key (<see cref="StandardWebhooksKey"/>) stops start-up the same
/// way (<see cref="Problem"/>).
/// </summary>
public sealed class IntegrationSettings
{
    public const string EnvironmentVariable = IntegrationEnvironment.Variable;

    /// <summary>Every secret the stack knows, by the environment variable users already know it by.</summary>
    public static readonly IReadOnlyList<string> SecretNames =
    [
        "GITHUB_WEBHOOK_SECRET",
        "GITHUB_TOKEN",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "SLACK_SIGNING_SECRET",
        "SLACK_BOT_TOKEN",
        "SLACK_WEBHOOK_URL",
        "GOOGLE_CLIENT_ID",
        "GOOGLE_CLIENT_SECRET",
    ];

    private static readonly (string Id, string Secret)[] s_oauthApps = [("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")];

    private readonly Dictionary<string, IResourceBuilder<ParameterResource>> _parameters;

    private IntegrationSettings(string environment, IReadOnlyList<WebhookSource> sources, Dictionary<string, IResourceBuilder<ParameterResource>> parameters)
    {
        Environment = environment;
        Sources = sources;
        _parameters = parameters;
    }

    /// <summary>The webhook sources declared in configuration (<see cref="WebhookSource"/>), with the sandbox's default.</summary>
    public IReadOnlyList<WebhookSource> Sources { get; }

    /// <summary><c>sandbox</c> or <c>live</c>.</summary>
    public string Environment { get; }

    public bool IsSandbox => Environment == "sandbox";

    /// <summary>Whether the secret is set (always in the sandbox, which fills gaps).</summary>
    public bool Has(string name) => _parameters.ContainsKey(name);

    public IResourceBuilder<ParameterResource> Secret(string name) =>
        _parameters.TryGetValue(name, out var parameter)
            ? parameter
            : throw new ArgumentOutOfRangeException(nameof(name), name, "Not a known secret.");

    public static IntegrationSettings Add(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var dotEnv = Path.Combine(builder.AppHostDirectory, "..", ".env");
        if (File.Exists(dotEnv))
        {
            // The environment wins: only names it leaves unset are taken from .env. A name with `__` is a
            // settings key (Webhooks__Sources__acme__Scheme), read as the environment would read it.
            var fromFile = DotEnvFile.Parse(File.ReadAllLines(dotEnv))
                .Select(pair => KeyValuePair.Create(pair.Key.Replace("__", ":", StringComparison.Ordinal), pair.Value))
                .Where(pair => string.IsNullOrEmpty(builder.Configuration[pair.Key]))
                .Select(pair => KeyValuePair.Create(pair.Key, (string?)pair.Value));
            builder.Configuration.AddInMemoryCollection(fromFile);
        }

        var environment = ParseEnvironment(builder.Configuration[EnvironmentVariable]);
        var sources = WebhookSource.Read(builder.Configuration, environment == "sandbox");
        var values = ResolveSecrets(environment, name => builder.Configuration[name], sources);

        var parameters = new Dictionary<string, IResourceBuilder<ParameterResource>>();
        var parameterValues = new Dictionary<string, string?>();
        foreach (var (name, value) in values)
        {
            var parameterName = name.ToLowerInvariant().Replace('_', '-');
            parameterValues[$"Parameters:{parameterName}"] = value;
            parameters[name] = builder.AddParameter(parameterName, secret: true);
        }

        builder.Configuration.AddInMemoryCollection(parameterValues);
        return new IntegrationSettings(environment, sources, parameters);
    }

    public static string ParseEnvironment(string? value) => IntegrationEnvironment.Parse(value);

    /// <summary>
    /// Returns the secrets to pass on: <see cref="SecretNames"/> and the signing secret of each declared
    /// source. Sandbox fills gaps with fresh random values; live passes what is set and refuses half an
    /// OAuth app or a declared source without its secret, naming the missing variable.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ResolveSecrets(
        string environment, Func<string, string?> lookup, IReadOnlyList<WebhookSource>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(lookup);

        var declared = (sources ?? []).Where(s => !s.IsBuiltIn).ToDictionary(s => s.SecretVariable, StringComparer.Ordinal);
        var values = new Dictionary<string, string>();
        var missing = new List<string>();
        var refused = new List<string>();
        foreach (var name in SecretNames.Concat(declared.Keys))
        {
            var value = lookup(name);
            if (!string.IsNullOrWhiteSpace(value))
            {
                values[name] = value.Trim();
                var standard = declared.TryGetValue(name, out var declaredSource) && declaredSource.Scheme == "standard";
                if ((Problem(name, values[name], environment) ?? (standard ? StandardWebhooksKey.VerificationKeyProblem(values[name]) : null)) is { } problem)
                {
                    refused.Add($"{name} {problem}");
                }
            }
            else if (environment == "sandbox")
            {
                values[name] = declared.TryGetValue(name, out var source) && source.Scheme == "standard" ? StandardWebhooksSecret() : SandboxValue(name);
            }
            else if (declared.TryGetValue(name, out var source))
            {
                missing.Add($"{name} (the source {source.Name} is declared)");
            }
        }

        foreach (var (id, secret) in s_oauthApps)
        {
            if (values.ContainsKey(id) != values.ContainsKey(secret))
            {
                missing.Add(values.ContainsKey(id) ? $"{secret} (an OAuth app needs its secret)" : $"{id} (an OAuth app needs its id)");
            }
        }

        if (refused.Count > 0)
        {
            throw new InvalidOperationException(
                $"These variables hold values the stack will not use: {string.Join("; ", refused)}. " +
                "Set real values in the environment or in .env (see .env.example).");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable}=live needs these variables, which are not set: {string.Join(", ", missing)}. " +
                "Set them in the environment or in .env (see .env.example).");
        }

        return values;
    }

    /// <summary>The shortest signing secret or token accepted: anything shorter is a placeholder or guessable.</summary>
    public const int MinimumSecretLength = 16;

    // Values that only look like a secret: what is left after a provider's prefix is one of these, or one repeated character.
    private static readonly string[] s_providerPrefixes = ["sk_test_", "sk_live_", "rk_test_", "rk_live_", "whsec_", "whpk_", "whsk_", "xoxb-", "xoxp-", "ghp_", "github_pat_"];
    private static readonly HashSet<string> s_placeholders = new(StringComparer.OrdinalIgnoreCase)
    {
        "changeme", "change-me", "change_me", "placeholder", "secret", "password", "todo", "example", "test", "your-secret", "your_secret", "your_secret_here", "replace-me", "replace_me",
    };

    /// <summary>
    /// Why a configured value is refused, without the value: a known placeholder (<c>whsec_xxx</c>,
    /// <c>sk_test_xxx</c>, <c>changeme</c>), a signing secret or token shorter than
    /// <see cref="MinimumSecretLength"/>, or a Stripe key of the other mode (a test key in live, a
    /// live key in the sandbox, which must never reach Stripe with it). Null when it is accepted.
    /// </summary>
    public static string? Problem(string name, string value, string environment)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);

        var rest = value;
        foreach (var prefix in s_providerPrefixes)
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                rest = value[prefix.Length..];
                break;
            }
        }

        if (rest.Length == 0 || rest.All(c => c == rest[0]) || s_placeholders.Contains(rest))
        {
            return "is a placeholder";
        }

        if (name is "STRIPE_SECRET_KEY")
        {
            if (environment == "live" && (value.StartsWith("sk_test_", StringComparison.Ordinal) || value.StartsWith("rk_test_", StringComparison.Ordinal)))
            {
                return "is a Stripe test-mode key, and INTEGRATION_ENV is live";
            }

            if (environment == "sandbox" && (value.StartsWith("sk_live_", StringComparison.Ordinal) || value.StartsWith("rk_live_", StringComparison.Ordinal)))
            {
                return "is a live Stripe key, and INTEGRATION_ENV is sandbox";
            }
        }

        // An incoming webhook URL and an OAuth client id are not secrets of their own strength.
        if (name is not ("SLACK_WEBHOOK_URL" or "GOOGLE_CLIENT_ID") && value.Length < MinimumSecretLength)
        {
            return $"is shorter than {MinimumSecretLength} characters";
        }

        return null;
    }

    /// <summary>A Standard Webhooks secret: <c>whsec_</c> and a base64 key of 32 random bytes.</summary>
    private static string StandardWebhooksSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static string SandboxValue(string name)
    {
        var random = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        return name switch
        {
            "STRIPE_SECRET_KEY" => $"sk_test_sandbox{random}",
            "STRIPE_WEBHOOK_SECRET" => $"whsec_sandbox{random}",
            "SLACK_BOT_TOKEN" => $"xoxb-sandbox-{random}",
            // A relative URL: the worker resolves it against the sandbox, which serves incoming webhooks there.
            "SLACK_WEBHOOK_URL" => $"/slack/services/T00SANDBOX/B00SANDBOX/{random}",
            _ => $"sandbox-{random}",
        };
    }
}
