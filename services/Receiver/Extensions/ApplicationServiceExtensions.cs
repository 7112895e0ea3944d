using Integrations.Receiver;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("integrationsdb");
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<DeliveryStore>();

        builder.Services.AddOptions<ReceiverOptions>()
            .BindConfiguration(ReceiverOptions.SectionName)
            .Configure(options => options.AddSecretsFromEnvironment(builder.Configuration))
            .Validate(options => options.Sources.Values.All(source => source.Secrets.Count > 0),
                "Every webhook source needs at least one secret (e.g. GITHUB_WEBHOOK_SECRET).")
            .ValidateOnStart();
    }
}
