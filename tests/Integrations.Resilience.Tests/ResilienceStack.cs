using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Integrations.Resilience.Tests;

/// <summary>
/// One real AppHost for the resilience proofs, on its own throwaway data, with every secret pinned
/// (<see cref="StackFixture"/>'s constants plus the provider tokens below), a dedicated Standard
/// Webhooks source <c>fuzz</c>, every service exporting OTLP to an in-test <see cref="OtlpCollector"/>,
/// and every resource's console log captured from the moment the app is built.
/// </summary>
public sealed class ResilienceStack() : SharedStack("resilience")
{
    public const string SlackBotToken = "xoxb-resilience-bot-token-5f1e0c2a";
    public const string GitHubToken = "ghp_resilienceGitHubToken0123456789ab";
    public const string SlackWebhookToken = "resilience-hook-token-0042";
    /// <summary>The secret of <c>fuzz</c>, the Standard Webhooks source that bad-input generation targets.</summary>
    public const string FuzzWebhookSecret = "whsec_cmVzaWxpZW5jZS1mdXp6LXNvdXJjZS1rZXktMDE=";

    public OtlpCollector Telemetry { get; } = new();

    /// <summary>Every console line of every resource, by resource name, from the moment the app started.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> Logs => Stack.Logs;

    /// <summary>Every secret and key this stack was configured with, by name (OAuth client ids are public, so not listed).</summary>
    public static IReadOnlyDictionary<string, string> ConfiguredSecrets { get; } = new Dictionary<string, string>
    {
        ["GITHUB_WEBHOOK_SECRET"] = StackFixture.GitHubWebhookSecret,
        ["github old webhook secret"] = StackFixture.OldGitHubWebhookSecret,
        ["STRIPE_WEBHOOK_SECRET"] = StackFixture.StripeWebhookSecret,
        ["SLACK_SIGNING_SECRET"] = StackFixture.SlackSigningSecret,
        ["acme webhook secret"] = StackFixture.AcmeWebhookSecret,
        ["acme webhook key (base64)"] = StackFixture.AcmeWebhookSecret["whsec_".Length..],
        ["support webhook secret"] = StackFixture.SupportWebhookSecret,
        ["support webhook key (base64)"] = StackFixture.SupportWebhookSecret["whsec_".Length..],
        ["fuzz webhook secret"] = FuzzWebhookSecret,
        ["fuzz webhook key (base64)"] = FuzzWebhookSecret["whsec_".Length..],
        ["receiver-admin-key"] = StackFixture.ReceiverAdminKey,
        ["worker-admin-key"] = StackFixture.WorkerAdminKey,
        ["gate-api-key"] = StackFixture.GateApiKey,
        ["broker-api-key"] = StackFixture.BrokerApiKey,
        ["audit-api-key"] = StackFixture.AuditApiKey,
        ["audit-admin-key"] = StackFixture.AuditAdminKey,
        ["audit-worker-key"] = StackFixture.AuditWorkerKey,
        ["audit-receiver-key"] = StackFixture.AuditReceiverKey,
        ["audit-broker-key"] = StackFixture.AuditBrokerKey,
        ["audit-chain-key"] = StackFixture.AuditChainKey,
        ["data-protection-kek (base64 PKCS#12)"] = StackFixture.KeyEncryptionCertificate,
        ["GOOGLE_CLIENT_SECRET"] = StackFixture.GoogleClientSecret,
        ["GITHUB_CLIENT_SECRET"] = StackFixture.ExtraOAuthApps["GITHUB_CLIENT_SECRET"],
        ["SLACK_CLIENT_SECRET"] = StackFixture.ExtraOAuthApps["SLACK_CLIENT_SECRET"],
        ["SLACK_BOT_TOKEN"] = SlackBotToken,
        ["STRIPE_SECRET_KEY"] = StackFixture.StripeSecretKey,
        ["GITHUB_TOKEN"] = GitHubToken,
        ["SLACK_WEBHOOK_URL token"] = SlackWebhookToken,
    };

    protected override Task<DistributedApplication> StartAsync(ThrowawayStack stack) =>
        stack.StartAsync(
            [
                .. StackFixture.Arguments,
                $"SLACK_BOT_TOKEN={SlackBotToken}",
                $"GITHUB_TOKEN={GitHubToken}",
                $"SLACK_WEBHOOK_URL=/slack/services/T00SANDBOX/B00SANDBOX/{SlackWebhookToken}",
            ],
            Configure);

    private void Configure(IDistributedApplicationTestingBuilder builder)
    {
        StackFixture.Configure(builder, brokerReplica: false);
        builder.CreateResourceBuilder<ProjectResource>("receiver")
            .WithEnvironment("Receiver__Sources__fuzz__Scheme", "standard")
            .WithEnvironment("Receiver__Sources__fuzz__Secrets__0", FuzzWebhookSecret);
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(project)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", Telemetry.EndpointFor(project.Name).ToString())
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .WithEnvironment("OTEL_EXPORTER_OTLP_HEADERS", "")
                .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "500")
                .WithEnvironment("OTEL_BLRP_SCHEDULE_DELAY", "500")
                .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "2000")
                // Every trace, not run mode's first 10 a second and one in a hundred: the leak scan reads every span.
                .WithEnvironment("Telemetry__TraceSampleRatio", "1");
        }
    }

    /// <summary>
    /// Every other secret parameter's value (the generated Redis and PostgreSQL passwords, and each
    /// service role's database password). OAuth
    /// client ids are left out: they are public, sent in every authorization URL.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> InfrastructureSecretsAsync()
    {
        var secrets = new Dictionary<string, string>();
        foreach (var parameter in App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Where(p => p.Secret && !p.Name.EndsWith("-client-id", StringComparison.Ordinal)))
        {
            if (await parameter.GetValueAsync(CancellationToken.None) is { Length: >= 8 } value && !ConfiguredSecrets.Values.Contains(value))
            {
                secrets[$"parameter {parameter.Name}"] = value;
            }
        }

        return secrets;
    }

    public Uri Endpoint(string resource) => App.GetEndpoint(resource, "http");

    /// <summary>A plain client without retries, so that every request the test counts is sent exactly once.</summary>
    public HttpClient Client(string resource, string? apiKey = null)
    {
        var http = new HttpClient { BaseAddress = Endpoint(resource), Timeout = StackFixture.StepTimeout };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", apiKey);
        }

        return http;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Telemetry.Dispose();
    }
}
