using Integrations.Worker;
using Integrations.Worker.Connectors;
using Integrations.Worker.Flows;
using Integrations.Worker.Queue;
using Integrations.Worker.Slack;
using Integrations.Worker.Stripe;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("integrationsdb");

        builder.Services.AddOptions<QueueOptions>()
            .BindConfiguration(QueueOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<FlowOptions>()
            .BindConfiguration(FlowOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<SlackOptions>()
            .BindConfiguration(SlackOptions.SectionName)
            .Configure(options =>
            {
                options.BotToken = builder.Configuration["SLACK_BOT_TOKEN"] ?? options.BotToken;
                options.IncomingWebhookUrl = builder.Configuration["SLACK_WEBHOOK_URL"] ?? options.IncomingWebhookUrl;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddHttpClient<SlackWebApiClient>((services, http) =>
            http.BaseAddress = services.GetRequiredService<IOptions<SlackOptions>>().Value.BaseUrl);
        builder.Services.AddStripeClient();
        builder.Services.AddAuditClient();
        builder.Services.AddGateClient();
        builder.Services.AddTokenBrokerClient();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DeliveryQueue>();
        builder.Services.AddSingleton<QueueAdministration>();
        builder.Services.AddTransient<EffectGuard>();
        builder.Services.AddTransient<SendMessage>();
        builder.Services.AddTransient<WriteAudit>();
        builder.Services.AddTransient<RecordPaymentEvent>();
        builder.Services.AddTransient<ActivateCustomer>();
        builder.Services.AddTransient<LookUpCheckout>();
        builder.Services.AddTransient<IDeliveryFlow, PushSummaryFlow>();
        builder.Services.AddTransient<IDeliveryFlow, StripeCustomerFlow>();
        builder.Services.AddTransient<IDeliveryFlow, BillingFlow>();

        builder.Services.AddSingleton<DeliveryProcessor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeliveryProcessor>());
        builder.Services.AddHealthChecks().AddCheck<DeliveryProcessorHealthCheck>("delivery-processor");
    }
}
