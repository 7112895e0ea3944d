using Integrations.Gate;
using Integrations.Gate.Client;
using Integrations.Gate.Idempotency;
using Integrations.Gate.RateLimits;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The Redis client brings its own health check, so /health reports whether Redis answers.
        // The stores refuse at once while the multiplexer is disconnected (see RedisAvailability);
        // BacklogPolicy.FailFast is not used because it also fails commands that merely meet a
        // busy writer under load, which the benchmark showed as false 503s.
        // Answers are read on .NET's thread pool, not the client's own dedicated threads, whose idle
        // spinning (sched_yield) was a tenth of the gate's CPU under load on two shared cores.
        builder.AddRedisClient("cache", configureOptions: redis =>
        {
            redis.AbortOnConnectFail = false;
            redis.SocketManager = StackExchange.Redis.SocketManager.ThreadPool;
        });
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, GateJsonContext.Default));
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddOptions<GateOptions>()
            .BindConfiguration(GateOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddSingleton<RateLimiter>();
    }
}
