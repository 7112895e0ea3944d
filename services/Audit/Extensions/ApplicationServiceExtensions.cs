using Integrations.Audit;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("auditdb");
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<AuditStore>();
        builder.Services.AddOptions<AuditOptions>()
            .Configure(options => options.Environment = builder.Configuration["INTEGRATION_ENV"] ?? "sandbox")
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
