using StackExchange.Redis;

namespace Integrations.Gate;

internal static class RedisAvailability
{
    /// <summary>
    /// Fails at once while no Redis connection is up, instead of letting the command wait in the
    /// client's backlog until its timeout; the API turns the exception into a 503. A disconnect
    /// that happens after this check still ends in a timeout, hence a 503, never a guess.
    /// </summary>
    public static IDatabase GetConnectedDatabase(this IConnectionMultiplexer redis) =>
        redis.IsConnected
            ? redis.GetDatabase()
            : throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No Redis connection is up.");
}
