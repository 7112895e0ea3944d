using Integrations.Sandbox;
using Integrations.Sandbox.Faults;
using Integrations.Sandbox.GitHub;
using Integrations.Sandbox.Slack;
using Integrations.Sandbox.OAuth;

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
                options.GitHubToken = builder.Configuration["GITHUB_TOKEN"] ?? "";
            })
            .Validate(options => options.SlackBotToken.Length > 0, "SLACK_BOT_TOKEN is not set; the sandbox needs it to check callers.")
            .ValidateOnStart();
    }
}
