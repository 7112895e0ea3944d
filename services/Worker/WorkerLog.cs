namespace Integrations.Worker;

internal static partial class WorkerLog
{
    [LoggerMessage(1, LogLevel.Debug, "Processed {Provider} delivery {DeliveryId} ({EventType}) on attempt {Attempt}")]
    public static partial void Processed(ILogger logger, string provider, string deliveryId, string eventType, int attempt);

    [LoggerMessage(2, LogLevel.Warning, "Delivery {Provider}/{DeliveryId} failed on attempt {Attempt}; next state {State}")]
    public static partial void DeliveryFailed(ILogger logger, string provider, string deliveryId, int attempt, string state, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "No flow handles {Provider} {EventType} deliveries; {DeliveryId} is marked done")]
    public static partial void Unhandled(ILogger logger, string provider, string eventType, string deliveryId);

    [LoggerMessage(4, LogLevel.Error, "The delivery queue is unreachable; retrying")]
    public static partial void QueueUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "{Action} on {Target} failed (retryable: {Retryable})")]
    public static partial void EffectFailed(ILogger logger, string action, string target, bool retryable, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Delivery {Provider}/{DeliveryId} deferred for {Seconds} s: {Reason}")]
    public static partial void Deferred(ILogger logger, string provider, string deliveryId, double seconds, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Shipping audit rows failed; they wait in the outbox, retried in {Seconds} s")]
    public static partial void AuditShippingFailed(ILogger logger, double seconds, Exception exception);

    [LoggerMessage(8, LogLevel.Error, "The audit service refused outbox row {OutboxId} as invalid; it stays in audit_outbox, marked refused")]
    public static partial void AuditRowRefused(ILogger logger, long outboxId);

    [LoggerMessage(9, LogLevel.Information, "Backfilled {Source} since {Since}: the provider reported {Found}, {Recovered} recovered")]
    public static partial void Backfilled(ILogger logger, string source, DateTimeOffset since, int found, int recovered);

    [LoggerMessage(10, LogLevel.Warning, "The scheduled backfill of {Source} failed; it runs again at the next interval")]
    public static partial void BackfillFailed(ILogger logger, string source, Exception exception);
}
