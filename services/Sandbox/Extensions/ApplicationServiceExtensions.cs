using Integrations.Sandbox;
using Integrations.Sandbox.Faults;

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
        builder.Services.AddOptions<SandboxOptions>()
            .Configure(options =>
            {
                options.SlackBotToken = builder.Configuration["SLACK_BOT_TOKEN"] ?? "";
                options.SlackWebhookUrl = builder.Configuration["SLACK_WEBHOOK_URL"] ?? "";
            })
            .Validate(options => options.SlackBotToken.Length > 0, "SLACK_BOT_TOKEN is not set; the sandbox needs it to check callers.")
            .ValidateOnStart();
    }
}
