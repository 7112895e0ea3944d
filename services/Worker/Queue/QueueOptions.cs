using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Queue;

public sealed class QueueOptions
{
    public const string SectionName = "Queue";

    /// <summary>How long a claimed delivery stays owned before another worker may reclaim it. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a connector owns an effect's idempotency key in the gate before a crashed owner's key
    /// may be reclaimed (and the provider checked for the effect). Longer than any single provider call. Default 2 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan EffectLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait for new work when no notification arrives. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the claim loop lets announced deliveries gather before it claims them, so that one
    /// claim takes several instead of one per notification. Default 2 ms; zero claims at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan ClaimGathering { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Deliveries processed at once by this worker. Default 512. A delivery spends most of its time
    /// waiting on other services (gate, audit, the provider), so this, divided by one delivery's time,
    /// bounds the worker's throughput whatever the CPU could do (docs/decisions/worker-concurrency.md).
    /// Provider budgets, not this, pace what reaches a provider.
    /// </summary>
    [Range(1, 1024)]
    public int Concurrency { get; set; } = 512;

    /// <summary>The most deliveries one claim takes; never more than the idle slots of <see cref="Concurrency"/>. Default 64.</summary>
    [Range(1, 1024)]
    public int ClaimBatch { get; set; } = 64;

    /// <summary>Attempts before a delivery is dead-lettered. Default 8.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry delay; each later one doubles, with full jitter. Default 2 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest retry delay. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "06:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);
}
