namespace Integrations.Audit;

internal static partial class AuditLog
{
    [LoggerMessage(1, LogLevel.Error, "Appending {Rows} audit rows from {Requests} requests failed; none was committed")]
    public static partial void BatchFailed(ILogger logger, int rows, int requests, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "The audit database is unavailable during {Operation}")]
    public static partial void DatabaseUnavailable(ILogger logger, string operation, Exception exception);

    [LoggerMessage(3, LogLevel.Critical, "The audit hash chain is broken at row {Id}: {Reason}")]
    public static partial void ChainBroken(ILogger logger, long id, string reason);

    [LoggerMessage(4, LogLevel.Warning, "A sign-in to the audit page was refused")]
    public static partial void SignInRefused(ILogger logger);

    [LoggerMessage(5, LogLevel.Information, "An operator signed in to the audit page")]
    public static partial void SignedIn(ILogger logger);

    [LoggerMessage(6, LogLevel.Warning, "A sign-in to the audit page was refused: too many attempts from one address")]
    public static partial void SignInRateLimited(ILogger logger);

    [LoggerMessage(7, LogLevel.Warning, "Sealed {Rows} audit rows written without a MAC (the newest is row {LastUnkeyedId}) with keyed row {SealId}")]
    public static partial void ChainSealed(ILogger logger, long rows, long lastUnkeyedId, long sealId);
}
