namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Connections and the Data Protection key ring will live in PostgreSQL; the data source's
        // health check makes /health report whether it answers.
        builder.AddNpgsqlDataSource("integrationsdb");
        builder.Services.AddOpenApi();
        builder.Services.AddGateClient();
    }
}
