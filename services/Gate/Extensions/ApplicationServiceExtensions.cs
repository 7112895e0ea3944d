namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The Redis client brings its own health check, so /health reports whether Redis answers.
        builder.AddRedisClient("cache");
        builder.Services.AddOpenApi();
    }
}
