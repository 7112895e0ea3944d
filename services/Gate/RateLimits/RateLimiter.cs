using Integrations.Gate.Client;
using StackExchange.Redis;

namespace Integrations.Gate.RateLimits;

/// <summary>
/// Rate budgets in Redis, one per <c>(provider, connection)</c>, decided by the generic cell rate
/// algorithm (GCRA). A budget is one key, <c>gate:rl:{provider:connection}</c>, holding the
/// theoretical arrival time (TAT, ms); a provider-imposed pause is a second key in the same hash
/// slot, <c>gate:rl:{provider:connection}:pause</c>, holding the time it ends.
///
/// Guarantees:
/// <list type="bullet">
/// <item>A decision is one Lua script: check the pause, compute, and advance the TAT atomically, so
/// concurrent callers on any number of replicas never overspend. Time is Redis's <c>TIME</c>.</item>
/// <item>A pause reported by any worker (<c>Retry-After</c>, an exhausted <c>X-RateLimit-Remaining</c>
/// with its reset, a bare 429) is stored in Redis and every later decision on that budget is
/// denied until it ends. A shorter pause never shortens a longer one.</item>
/// <item>Keys expire when the budget is full again, so idle budgets cost nothing.</item>
/// <item>Many decisions from one request are sent together; StackExchange.Redis pipelines them on
/// one connection, which is what makes batches cheap.</item>
/// </list>
/// </summary>
public sealed class RateLimiter(IConnectionMultiplexer redis)
{
    // KEYS[1] TAT, KEYS[2] pause; ARGV[1] emission interval ms (fractional), ARGV[2] burst, ARGV[3] cost.
    // Returns {allowed, remaining, retry_after_ms, reset_ms}.
    private const string DecideScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
        local paused = tonumber(redis.call('GET', KEYS[2]))
        if paused and paused > now then
          local wait = math.ceil(paused - now)
          return {0, 0, wait, wait}
        end
        local interval = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local tat = tonumber(redis.call('GET', KEYS[1])) or now
        if tat < now then tat = now end
        local new_tat = tat + interval * cost
        local allow_at = new_tat - interval * burst
        if allow_at > now then
          return {0, 0, math.ceil(allow_at - now), math.ceil(tat - now)}
        end
        local ttl = math.max(1, math.ceil(new_tat - now))
        redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', ttl)
        return {1, math.floor((now - allow_at) / interval), 0, ttl}
        """;

    // KEYS[1] pause; ARGV[1] pause ms. Returns the ms the pause still lasts.
    private const string PauseScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local pause_until = now + tonumber(ARGV[1])
        local current = tonumber(redis.call('GET', KEYS[1]))
        if current and current >= pause_until then return current - now end
        redis.call('SET', KEYS[1], pause_until, 'PX', ARGV[1])
        return pause_until - now
        """;

    public async Task<RateLimitDecision> DecideAsync(string provider, string connection, int cost, BudgetOptions budget)
    {
        var result = await Decide(redis.GetConnectedDatabase(), provider, connection, cost, budget);
        return ToDecision(result);
    }

    /// <summary>Issues every decision before awaiting any, so they share one pipelined round trip.</summary>
    public async Task<RateLimitDecision[]> DecideManyAsync(IReadOnlyList<(RateLimitRequest Request, BudgetOptions Budget)> requests)
    {
        var database = redis.GetConnectedDatabase();
        var pending = new Task<RedisResult>[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var (request, budget) = requests[i];
            pending[i] = Decide(database, request.Provider, request.Connection, request.Cost, budget);
        }

        var results = await Task.WhenAll(pending);
        return Array.ConvertAll(results, ToDecision);
    }

    public async Task<TimeSpan> PauseAsync(string provider, string connection, TimeSpan pause)
    {
        var milliseconds = Math.Max(1, (long)Math.Ceiling(pause.TotalMilliseconds));
        var remaining = await redis.GetConnectedDatabase().ScriptEvaluateAsync(PauseScript, [PauseKey(provider, connection)], [milliseconds]);
        return TimeSpan.FromMilliseconds((long)remaining);
    }

    private static Task<RedisResult> Decide(IDatabase database, string provider, string connection, int cost, BudgetOptions budget) =>
        database.ScriptEvaluateAsync(
            DecideScript,
            [BudgetKey(provider, connection), PauseKey(provider, connection)],
            [budget.EmissionIntervalMilliseconds, budget.Burst, cost]);

    private static RateLimitDecision ToDecision(RedisResult result)
    {
        var values = (RedisResult[])result!;
        return new RateLimitDecision(
            Allowed: (long)values[0] == 1,
            Remaining: (long)values[1],
            RetryAfter: TimeSpan.FromMilliseconds((long)values[2]),
            Reset: TimeSpan.FromMilliseconds((long)values[3]));
    }

    // The braces are a Redis Cluster hash tag: a budget and its pause always live in the same slot.
    private static string BudgetKey(string provider, string connection) => $"gate:rl:{{{provider}:{connection}}}";

    private static string PauseKey(string provider, string connection) => $"gate:rl:{{{provider}:{connection}}}:pause";
}
