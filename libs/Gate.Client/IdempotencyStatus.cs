namespace Integrations.Gate.Client;

/// <summary>What <c>begin</c> says about an idempotency key.</summary>
public static class IdempotencyStatus
{
    /// <summary>The caller owns the key until the lease expires, and must complete or fail it.</summary>
    public const string New = "new";

    /// <summary>Another owner holds a live lease (HTTP 409).</summary>
    public const string InProgress = "in_progress";

    /// <summary>The work is settled; the stored outcome is returned. A permanent failure is completed with <c>Succeeded = false</c>.</summary>
    public const string Completed = "completed";

    /// <summary>The key was begun with a different request fingerprint (HTTP 422).</summary>
    public const string Mismatch = "mismatch";
}
