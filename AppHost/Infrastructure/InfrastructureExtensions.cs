using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StackExchange.Redis;

namespace Integrations.AppHost;

/// <summary>
/// Adds Redis (<c>cache</c>) and PostgreSQL (<c>pg</c> with <c>auditdb</c> and <c>integrationsdb</c>).
/// With a container runtime, and always in publish mode, these are Aspire's own container resources.
/// Without one they are local processes with the same names and connection-string shapes, so the
/// services cannot tell the difference. Local data lives under <c>Infra:DataDirectory</c>
/// (default <c>.data/</c> at the repository root) and survives restarts; Redis keeps an AOF.
/// The containers keep their data on volumes in run and publish mode alike, and Redis appends every
/// write to an AOF (fsync every second) besides its snapshots: a deployed Redis that restarts keeps
/// its idempotency keys and rate budgets. Exactly-once does not depend on it (the worker's effect
/// ledger in PostgreSQL does), but a Redis that forgets costs recovery checks at the providers.
/// </summary>
public static class InfrastructureExtensions
{
    public const string DataDirectoryKey = "Infra:DataDirectory";

    public static Infrastructure AddInfrastructure(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var mode = InfrastructureModeSelector.Select(builder);
        if (mode == InfrastructureMode.Container)
        {
            var redis = builder.AddRedis("cache").WithDataVolume().WithPersistence(TimeSpan.FromSeconds(10)).WithArgs(AppendOnly);
            var postgres = builder.AddPostgres("pg").WithDataVolume();

            return new Infrastructure(mode, redis, postgres.AddDatabase("auditdb"), postgres.AddDatabase("integrationsdb"));
        }

        var dataDirectory = StoredSecrets.DataDirectory(builder);
        var scripts = Path.Combine(builder.AppHostDirectory, "Infrastructure");

        var cache = builder.AddLocalRedis("cache", scripts, dataDirectory);
        var pg = builder.AddLocalPostgres("pg", scripts, dataDirectory);
        return new Infrastructure(mode, cache, pg.AddLocalDatabase("auditdb"), pg.AddLocalDatabase("integrationsdb"));
    }

    /// <summary>
    /// Turns on Redis's append-only file. <c>AddRedis</c> starts the server as <c>/bin/sh -c "redis-server …"</c>,
    /// so options must go inside that command string; arguments added after it would reach the shell, not Redis.
    /// </summary>
    private static void AppendOnly(CommandLineArgsCallbackContext context)
    {
        var command = context.Args.IndexOf("-c") + 1;
        if (command <= 0 || command >= context.Args.Count || context.Args[command] is not string redisServer || !redisServer.StartsWith("redis-server", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Aspire's Redis resource no longer starts redis-server through 'sh -c': AppendOnly must be revised.");
        }

        context.Args[command] = redisServer + " --appendonly yes --appendfsync everysec";
    }

    /// <summary>
    /// A local store listens on a loopback port chosen here, with no DCP proxy in front: a proxy copied
    /// every query's bytes through one more process, about 70 µs of DCP's CPU per delivery under load
    /// and one more hop, waiting for a core, on every round trip (docs/architecture.md). The port is
    /// chosen once, at start, so a store that is stopped and started again listens at the same address,
    /// which the services read once.
    /// </summary>
    private static void OnItsOwnPort(EndpointAnnotation endpoint)
    {
        endpoint.UriScheme = "tcp";
        endpoint.Transport = "tcp";
        endpoint.Port = endpoint.TargetPort = LoopbackPorts.Free();
        endpoint.IsProxied = false;
    }

    private static IResourceBuilder<LocalRedisResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, string scripts, string dataDirectory)
    {
        var password = builder.AddParameter($"{name}-password", StoredSecrets.ReadOrCreate(dataDirectory, $"{name}-password", bytes: 24), secret: true);
        var resource = new LocalRedisResource(name, "bash", scripts, password.Resource);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new RedisPingHealthCheck(resource), failureStatus: null, tags: null));

        return builder.AddResource(resource)
            .WithArgs(Path.Combine(scripts, "redis-local.sh"))
            .WithEndpoint(LocalRedisResource.PrimaryEndpointName, OnItsOwnPort)
            .WithEnvironment("REDIS_PORT", resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort))
            .WithEnvironment("REDIS_DATA_DIR", Path.Combine(dataDirectory, "redis"))
            .WithEnvironment("REDIS_PASSWORD", password)
            .WithHealthCheck(healthCheckKey);
    }

    private static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, string scripts, string dataDirectory)
    {
        var password = builder.AddParameter($"{name}-password", StoredSecrets.ReadOrCreate(dataDirectory, $"{name}-password", bytes: 24), secret: true);
        var resource = new LocalPostgresServerResource(name, "bash", scripts, password.Resource);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new PostgresHealthCheck(resource), failureStatus: null, tags: null));

        // Databases are created once the server answers, as Aspire does for its container resource.
        // Aspire propagates a parent's state only to children of containers, so the databases'
        // state is published here; without it, anything that waits on a database waits forever.
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (@event, ct) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct).ConfigureAwait(false);
            foreach (var database in resource.Databases)
            {
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
                {
                    Parameters = { new() { Value = database.DatabaseName } },
                };
                if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
                {
                    // Database names come from this file, never from input; quoting keeps them literal.
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName}\"", connection);
                    await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await notifications.PublishUpdateAsync(database, state => state with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                }).ConfigureAwait(false);
            }
        });

        return builder.AddResource(resource)
            .WithArgs(Path.Combine(scripts, "postgres-local.sh"))
            .WithEndpoint(LocalPostgresServerResource.PrimaryEndpointName, OnItsOwnPort)
            .WithEnvironment("PG_PORT", resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort))
            .WithEnvironment("PG_DATA_DIR", Path.Combine(dataDirectory, "postgres"))
            .WithEnvironment("PG_PASSWORD", password)
            .WithHealthCheck(healthCheckKey);
    }

    private static IResourceBuilder<LocalPostgresDatabaseResource> AddLocalDatabase(
        this IResourceBuilder<LocalPostgresServerResource> server, string name)
    {
        var database = new LocalPostgresDatabaseResource(name, name, server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [],
            });
    }

    private sealed class RedisPingHealthCheck(LocalRedisResource resource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
                var options = ConfigurationOptions.Parse(connectionString!);
                options.AbortOnConnectFail = true;
                options.ConnectTimeout = 2000;
                await using var connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
                await connection.GetDatabase().PingAsync().ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is RedisException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer yet.", ex);
            }
        }
    }

    private sealed class PostgresHealthCheck(LocalPostgresServerResource resource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer yet.", ex);
            }
        }
    }
}
