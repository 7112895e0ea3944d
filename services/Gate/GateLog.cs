namespace Integrations.Gate;

internal static partial class GateLog
{
    [LoggerMessage(2, LogLevel.Error, "Redis is unreachable; {Operation} failed closed")]
    public static partial void RedisUnavailable(ILogger logger, string operation, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Redis is unreachable; rate-limit decisions fail open as configured")]
    public static partial void RateLimitsFailingOpen(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Paused budget {Provider}/{Connection} for {Pause} after a {StatusCode} response")]
    public static partial void BudgetPaused(ILogger logger, string provider, string connection, TimeSpan pause, int statusCode);

    [LoggerMessage(5, LogLevel.Information, "Idempotency key {Key} has a stale lease holder; its settle was refused")]
    public static partial void LeaseLost(ILogger logger, string key);
}
