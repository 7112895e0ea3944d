using Integrations.Worker;
using Integrations.Worker.Backfill;
using Integrations.Worker.Connectors;
using Integrations.Worker.Flows;
using Integrations.Worker.GitHub;
using Integrations.Worker.Google;
using Integrations.Worker.Triage;
using Integrations.Worker.Queue;
using Integrations.Worker.Replay;
using Integrations.Worker.Slack;
using Integrations.Worker.Stripe;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Claim and complete run thousands of times a second: prepared once per connection they skip
        // parsing and planning. Connections are not reset on return (a reset would cost five statements
        // per command to keep the prepared ones): no session state is kept, except the listener's LISTEN,
        // which can reach the pool only if the listener fails, and a notification on a connection no
        // one waits on is ignored.
        builder.AddNpgsqlDataSource("integrationsdb", configureDataSourceBuilder: database =>
        {
            database.ConnectionStringBuilder.MaxAutoPrepare = 16;
            database.ConnectionStringBuilder.NoResetOnClose = true;
        });
        builder.Services.AddOpenApi();

        builder.Services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
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

        builder.Services.AddOptions<GitHubOptions>()
            .BindConfiguration(GitHubOptions.SectionName)
            .Configure(options => options.Token = builder.Configuration["GITHUB_TOKEN"] ?? options.Token)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<BackfillOptions>()
            .BindConfiguration(BackfillOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<GoogleOptions>()
            .BindConfiguration(GoogleOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<TriageOptions>()
            .BindConfiguration(TriageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddHttpClient<GitHubRestClient>((services, http) =>
            http.BaseAddress = services.GetRequiredService<IOptions<GitHubOptions>>().Value.BaseUrl)
            .AddProviderResilience();
        builder.Services.AddHttpClient<GoogleDriveClient>((services, http) =>
            http.BaseAddress = services.GetRequiredService<IOptions<GoogleOptions>>().Value.BaseUrl)
            .AddProviderResilience();
        builder.Services.AddHttpClient<SlackWebApiClient>((services, http) =>
            http.BaseAddress = services.GetRequiredService<IOptions<SlackOptions>>().Value.BaseUrl)
            .AddProviderResilience();
        builder.Services.AddStripeClient();
        builder.Services.AddHttpClient<StripeEventList>((services, http) =>
            http.BaseAddress = new Uri(services.GetRequiredService<IOptions<StripeOptions>>().Value.BaseUrl.ToString().TrimEnd('/') + "/"))
            .AddProviderResilience();
        builder.Services.AddAuditClient();
        builder.Services.AddGateClient();
        builder.Services.AddTokenBrokerClient();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DeliveryQueue>();
        builder.Services.AddSingleton<QueueAdministration>();
        builder.Services.AddScoped<ReplayPreviewContext>();
        builder.Services.AddSingleton<ReplayPreviewer>();
        builder.Services.AddTransient<EffectGuard>();
        builder.Services.AddTransient<SendMessage>();
        builder.Services.AddSingleton<AuditOutbox>();
        builder.Services.AddSingleton<WriteAudit>();
        builder.Services.AddHostedService<AuditShipper>();
        builder.Services.AddSingleton<GateCalls>();
        builder.Services.AddSingleton<EffectLedger>();
        builder.Services.AddTransient<RecordPaymentEvent>();
        builder.Services.AddTransient<ActivateCustomer>();
        builder.Services.AddTransient<LookUpCheckout>();
        builder.Services.AddTransient<CreateTicket>();
        builder.Services.AddTransient<ListUnreleasedCommits>();
        builder.Services.AddTransient<ReadSupportSheet>();
        builder.Services.AddSingleton<ISupportClassifier, KeywordSupportClassifier>();
        builder.Services.AddDeliveryFlow<ReleaseNotesFlow>(_ => ReleaseNotesFlow.Handles, ProviderSettings.GitHubToken, ProviderSettings.SlackBotToken);
        builder.Services.AddDeliveryFlow<SupportTriageFlow>(services =>
        {
            var source = services.GetRequiredService<IOptions<TriageOptions>>().Value.Source;
            return (provider, eventType) => provider == source && eventType == SupportTriageFlow.EventType;
        }, ProviderSettings.GitHubToken);
        builder.Services.AddDeliveryFlow<PushSummaryFlow>(_ => PushSummaryFlow.Handles, ProviderSettings.SlackBotToken);
        builder.Services.AddDeliveryFlow<StripeCustomerFlow>(_ => StripeCustomerFlow.Handles);
        builder.Services.AddDeliveryFlow<BillingFlow>(_ => BillingFlow.Handles, ProviderSettings.StripeSecretKey, ProviderSettings.SlackBotToken);

        builder.Services.AddSingleton<StripeBackfill>();
        builder.Services.AddSingleton<GitHubBackfill>();
        builder.Services.AddSingleton<BackfillRunner>();
        builder.Services.AddSingleton<IBackfillRuns>(services => services.GetRequiredService<BackfillRunner>());
        builder.Services.AddHostedService<BackfillScheduler>();

        builder.Services.AddSingleton<DeliveryProcessor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeliveryProcessor>());
        builder.Services.AddHealthChecks()
            .AddCheck<DeliveryProcessorHealthCheck>("delivery-processor")
            .AddCheck<FlowsHealthCheck>("flows")
            .AddCheck<BackfillHealthCheck>("backfill")
            .AddDatabaseLoginCheck<NpgsqlDataSource>();
    }
}
