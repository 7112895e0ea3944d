using StackExchange.Redis;
using Integrations.Gate.Client;

namespace Integrations.Gate.Idempotency;

/// <summary>
/// Idempotency records in Redis, one hash per key at <c>gate:idem:&lt;key&gt;</c> with fields
/// <c>state</c> (<c>leased</c>, <c>released</c>, <c>completed</c>, <c>failed</c>), <c>fp</c>
/// (request fingerprint), <c>token</c> (current lease), <c>lease_until</c> (ms), <c>outcome</c>,
/// <c>claims</c> and <c>first_at</c> (ms, the first claim).
///
/// Guarantees:
/// <list type="bullet">
/// <item>Every step (begin, complete, fail) is one Lua script, so Redis runs it atomically: there is
/// no window between reading a record and writing it, whatever the number of gate replicas.</item>
/// <item>At most one live lease per key. Time comes from Redis (<c>TIME</c>), not from the replicas,
/// so replicas with skewed clocks agree on when a lease has expired.</item>
/// <item>A lease that expires (its owner crashed) is claimable by the next <c>begin</c>, which issues
/// a new token and says <c>reclaimed</c>: an earlier attempt may have caused the effect without
/// settling, so the new owner checks the provider before acting again (a recovery point); it also
/// says when the key was first claimed, so that check need only look at what happened since. <c>complete</c> and <c>fail</c> must present the current token, so a stale owner
/// can neither overwrite the outcome nor release someone else's lease (it gets <c>lease_lost</c>).
/// An owner whose lease ran out but was not taken over may still settle: nobody else did the work.</item>
/// <item>An outcome is written once; repeating the same settle with the same token is harmless.</item>
/// <item>The same key with a different fingerprint is a mismatch in every state.</item>
/// <item>Records expire after the retention period (default 7 days), counted from the last change.</item>
/// <item>If Redis cannot be reached, the caller gets an exception (the API answers 503), never <c>new</c>.</item>
/// </list>
/// </summary>
public sealed class IdempotencyStore(IConnectionMultiplexer redis)
{
    public const string KeyPrefix = "gate:idem:";

    // KEYS[1] record; ARGV[1] fingerprint, ARGV[2] fresh token, ARGV[3] lease ms, ARGV[4] retention ms.
    private const string BeginScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local r = redis.call('HMGET', KEYS[1], 'state', 'fp', 'lease_until', 'outcome', 'first_at')
        local state = r[1]
        if state then
          if r[2] ~= ARGV[1] then return {'mismatch'} end
          if state == 'completed' or state == 'failed' then return {state, '', 0, r[4] or ''} end
          local lease_until = tonumber(r[3]) or 0
          if state == 'leased' and lease_until > now then return {'in_progress', '', lease_until} end
        end
        local lease_until = now + tonumber(ARGV[3])
        redis.call('HSET', KEYS[1], 'state', 'leased', 'fp', ARGV[1], 'token', ARGV[2], 'lease_until', lease_until)
        redis.call('HINCRBY', KEYS[1], 'claims', 1)
        local reclaimed = 0
        local first_at = tonumber(r[5]) or 0
        if state then
          reclaimed = 1
        else
          redis.call('HSET', KEYS[1], 'first_at', now)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return {'new', ARGV[2], lease_until, '', reclaimed, first_at}
        """;

    // KEYS[1] record; ARGV[1] token, ARGV[2] target state (completed|failed|released), ARGV[3] outcome, ARGV[4] retention ms.
    private const string SettleScript = """
        local r = redis.call('HMGET', KEYS[1], 'state', 'token')
        if r[2] ~= ARGV[1] then return 'lease_lost' end
        if r[1] ~= 'leased' then
          if r[1] == ARGV[2] then return r[1] end
          return 'lease_lost'
        end
        if ARGV[2] == 'released' then
          redis.call('HSET', KEYS[1], 'state', 'released', 'lease_until', 0)
        else
          redis.call('HSET', KEYS[1], 'state', ARGV[2], 'outcome', ARGV[3], 'lease_until', 0)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return ARGV[2]
        """;

    public async Task<BeginResult> BeginAsync(string key, string fingerprint, TimeSpan lease, TimeSpan retention)
    {
        var token = Guid.NewGuid().ToString("N");
        var result = (RedisResult[])(await redis.GetConnectedDatabase().ScriptEvaluateAsync(
            BeginScript,
            [KeyPrefix + key],
            [fingerprint, token, (long)lease.TotalMilliseconds, (long)retention.TotalMilliseconds]))!;

        var state = (string)result[0]!;
        return state switch
        {
            "new" => new BeginResult(IdempotencyStatus.New, (string?)result[1], FromUnixMs(result[2]), Reclaimed: (long)result[4] == 1,
                FirstClaimedAt: (long)result[5] > 0 ? FromUnixMs(result[5]) : null),
            "in_progress" => new BeginResult(IdempotencyStatus.InProgress, LeaseExpiresAt: FromUnixMs(result[2])),
            "completed" => new BeginResult(IdempotencyStatus.Completed, Outcome: (string?)result[3], Succeeded: true),
            "failed" => new BeginResult(IdempotencyStatus.Completed, Outcome: (string?)result[3], Succeeded: false),
            "mismatch" => new BeginResult(IdempotencyStatus.Mismatch),
            _ => throw new InvalidOperationException($"The begin script answered an unknown state '{state}'."),
        };
    }

    public Task<string> CompleteAsync(string key, string token, string outcome, TimeSpan retention) =>
        SettleAsync(key, token, "completed", outcome, retention);

    public Task<string> FailAsync(string key, string token, bool retryable, string? reason, TimeSpan retention) =>
        SettleAsync(key, token, retryable ? "released" : "failed", reason ?? "", retention);

    private async Task<string> SettleAsync(string key, string token, string target, string outcome, TimeSpan retention)
    {
        var result = await redis.GetConnectedDatabase().ScriptEvaluateAsync(
            SettleScript,
            [KeyPrefix + key],
            [token, target, outcome, (long)retention.TotalMilliseconds]);
        return (string)result!;
    }

    private static DateTimeOffset FromUnixMs(RedisResult value) => DateTimeOffset.FromUnixTimeMilliseconds((long)value);
}
