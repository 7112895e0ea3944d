using Integrations.Gate;
using Integrations.Gate.Idempotency;
using Integrations.Gate.RateLimits;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The Redis client brings its own health check, so /health reports whether Redis answers.
        // FailFast: while Redis is unreachable a command fails at once (the API answers 503) instead
        // of waiting in a backlog that would hold callers until a timeout.
        builder.AddRedisClient("cache", configureOptions: redis =>
        {
            redis.AbortOnConnectFail = false;
            redis.BacklogPolicy = BacklogPolicy.FailFast;
        });
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddOptions<GateOptions>()
            .BindConfiguration(GateOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddSingleton<RateLimiter>();
    }
}
