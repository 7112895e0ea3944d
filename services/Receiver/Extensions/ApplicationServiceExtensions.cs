using Integrations.Receiver;
using Integrations.Receiver.Apis;
using Integrations.Receiver.Secrets;
using Integrations.Receiver.Verification;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The same few statements run thousands of times a second: prepared once per connection they
        // skip parsing and planning, and no session state is kept here, so a returned connection
        // needs no DISCARD ALL.
        builder.AddNpgsqlDataSource("integrationsdb", configureDataSourceBuilder: database =>
        {
            database.ConnectionStringBuilder.MaxAutoPrepare = 16;
            database.ConnectionStringBuilder.NoResetOnClose = true;
        });
        builder.Services.AddHealthChecks().AddDatabaseLoginCheck<NpgsqlDataSource>();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ReceiverJsonContext.Default));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ReceiverMetrics>();
        builder.Services.AddSingleton<DeliveryStore>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeliveryStore>());
        builder.Services.AddSingleton<DeliveryAnnouncer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeliveryAnnouncer>());
        builder.Services.AddSingleton<DeliveryQueries>();
        builder.Services.AddSingleton<RawBodyReader>();
        builder.Services.AddAuditClient();

        // Rotated secrets are stored encrypted; the key ring is shared by all replicas through PostgreSQL.
        builder.AddPostgresDataProtection("Integrations.Receiver");
        builder.Services.AddSingleton<WebhookSecretStore>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WebhookSecretStore>());

        builder.Services.AddSingleton<IWebhookScheme, GitHubSignature>();
        builder.Services.AddSingleton<IWebhookScheme, StripeSignature>();
        builder.Services.AddSingleton<IWebhookScheme, SlackSignature>();
        builder.Services.AddSingleton<IWebhookScheme, StandardWebhooksSignature>();

        builder.Services.AddOptions<ReceiverOptions>()
            .BindConfiguration(ReceiverOptions.SectionName)
            .Configure(options => options.AddSecretsFromEnvironment(builder.Configuration))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ReceiverOptions>, ReceiverOptionsValidator>();
    }

    private sealed class ReceiverOptionsValidator : IValidateOptions<ReceiverOptions>
    {
        public ValidateOptionsResult Validate(string? name, ReceiverOptions options)
        {
            var failures = options.Validate().ToList();
            if (string.IsNullOrWhiteSpace(options.AdminApiKey))
            {
                failures.Add("Receiver:AdminApiKey is required (the AppHost generates it).");
            }
            else if (options.AdminApiKey.Length < 16)
            {
                failures.Add("Receiver:AdminApiKey must be at least 16 characters.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
