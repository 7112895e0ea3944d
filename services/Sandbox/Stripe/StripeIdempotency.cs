using System.Collections.Concurrent;

namespace Integrations.Sandbox.Stripe;

/// <summary>
/// Stripe's idempotent requests, as Stripe documents them. A POST carrying <c>Idempotency-Key</c> is
/// remembered per API key for 24 hours with a fingerprint of its method, path and parameters:
/// <list type="bullet">
/// <item>the same key with the same parameters replays the stored status and body, with
/// <c>Idempotent-Replayed: true</c> and <c>Original-Request</c>, and causes no second effect;</item>
/// <item>the same key with different parameters is refused with 400 <c>idempotency_error</c>;</item>
/// <item>a key whose first request is still running is refused with 409 <c>idempotency_key_in_use</c>.</item>
/// </list>
/// Only requests that began executing are stored: a refusal by validation (400 before any change) is
/// forgotten, so the key can be used again, as with Stripe. Faults injected in front of the API never
/// reach it and are not stored either.
/// </summary>
public sealed class StripeIdempotency(TimeProvider time)
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private readonly ConcurrentDictionary<(string ApiKey, string Key), Entry> _entries = new();

    public IdempotencyClaim Begin(string apiKey, string key, string fingerprint)
    {
        var now = time.GetUtcNow();
        var mine = new Entry(fingerprint, now, Reply: null);
        while (true)
        {
            var entry = _entries.GetOrAdd((apiKey, key), mine);
            if (ReferenceEquals(entry, mine))
            {
                return new IdempotencyClaim(IdempotencyClaimStatus.New, null);
            }

            if (now - entry.At > Retention)
            {
                _entries.TryRemove(KeyValuePair.Create((apiKey, key), entry));
                continue;
            }

            if (entry.Fingerprint != fingerprint)
            {
                return new IdempotencyClaim(IdempotencyClaimStatus.Mismatch, null);
            }

            return entry.Reply is { } reply
                ? new IdempotencyClaim(IdempotencyClaimStatus.Replay, reply)
                : new IdempotencyClaim(IdempotencyClaimStatus.InUse, null);
        }
    }

    /// <summary>Stores the reply for replays, or forgets the key when the request never began executing.</summary>
    public void Complete(string apiKey, string key, StripeReply? reply, bool store)
    {
        if (!_entries.TryGetValue((apiKey, key), out var entry))
        {
            return;
        }

        if (store && reply is not null)
        {
            _entries[(apiKey, key)] = entry with { Reply = reply };
        }
        else
        {
            _entries.TryRemove(KeyValuePair.Create((apiKey, key), entry));
        }
    }

    private sealed record Entry(string Fingerprint, DateTimeOffset At, StripeReply? Reply);
}

public enum IdempotencyClaimStatus
{
    New,
    Replay,
    Mismatch,
    InUse,
}

public sealed record IdempotencyClaim(IdempotencyClaimStatus Status, StripeReply? Reply);

/// <summary>A Stripe API answer as sent: status, JSON body and the request id it was first given.</summary>
public sealed record StripeReply(int Status, byte[] Body, string RequestId);
