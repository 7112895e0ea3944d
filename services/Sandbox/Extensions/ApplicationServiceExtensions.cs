using Integrations.Sandbox;
using Integrations.Sandbox.Faults;
using Integrations.Sandbox.GitHub;
using Integrations.Sandbox.Slack;
using Integrations.Sandbox.OAuth;
using Integrations.Sandbox.Stripe;
using Integrations.Sandbox.Webhooks;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EffectLog>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<CallLog>();
        builder.Services.AddSingleton<SeededRepository>();
        builder.Services.AddSingleton<IssueTracker>();
        builder.Services.AddSingleton<SlackHistory>();
        builder.Services.AddSingleton<RateLimitCounter>();
        builder.Services.AddSingleton<OAuthGrantStore>();
        builder.Services.AddSingleton<StripeCatalog>();
        builder.Services.AddSingleton<StripeIdempotency>();
        builder.Services.AddSingleton<SampleEvents>();
        builder.Services.AddSingleton<StripeEventLog>();
        builder.Services.AddSingleton<GitHubHookDeliveries>();
        // The sender reports exactly what it sent and what the receiver answered, so the service
        // defaults' retries are taken off its client. RemoveAllResilienceHandlers is marked experimental.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient<WebhookSender>(http => http.BaseAddress = new Uri("https+http://receiver"))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddOptions<OAuthClientOptions>().Configure(options =>
        {
            foreach (var provider in new[] { "google", "github", "slack" })
            {
                var prefix = provider.ToUpperInvariant();
                if (builder.Configuration[$"{prefix}_CLIENT_ID"] is { Length: > 0 } clientId)
                {
                    options.Clients[provider] = new OAuthClient(clientId, builder.Configuration[$"{prefix}_CLIENT_SECRET"] ?? "");
                }
            }
        });
        builder.Services.AddOptions<SandboxOptions>()
            .Configure(options =>
            {
                options.SlackBotToken = builder.Configuration["SLACK_BOT_TOKEN"] ?? "";
                options.SlackWebhookUrl = builder.Configuration["SLACK_WEBHOOK_URL"] ?? "";
                options.StripeSecretKey = builder.Configuration["STRIPE_SECRET_KEY"] ?? "";
                options.GitHubWebhookSecret = builder.Configuration["GITHUB_WEBHOOK_SECRET"] ?? "";
                options.StripeWebhookSecret = builder.Configuration["STRIPE_WEBHOOK_SECRET"] ?? "";
                options.SlackSigningSecret = builder.Configuration["SLACK_SIGNING_SECRET"] ?? "";
                options.GitHubToken = builder.Configuration["GITHUB_TOKEN"] ?? "";
                foreach (var source in builder.Configuration.GetSection("Sandbox:StandardSources").GetChildren())
                {
                    if (source.Value is { Length: > 0 } secret)
                    {
                        options.StandardSources[source.Key] = secret;
                    }
                }
            })
            .Validate(options => options.SlackBotToken.Length > 0, "SLACK_BOT_TOKEN is not set; the sandbox needs it to check callers.")
            .Validate(options => options.StripeSecretKey.Length > 0, "STRIPE_SECRET_KEY is not set; the sandbox needs it to check callers.")
            .ValidateOnStart();
    }
}
