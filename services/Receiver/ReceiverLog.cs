namespace Integrations.Receiver;

internal static partial class ReceiverLog
{
    [LoggerMessage(1, LogLevel.Error, "Storing a batch of {Count} deliveries failed; each caller answers 503")]
    public static partial void StoreFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "Refused a {Source} webhook: {Status} {Title}")]
    public static partial void Refused(ILogger logger, string source, int status, string title);

    [LoggerMessage(3, LogLevel.Warning, "Reloading rotated webhook secrets failed; the previous set stays active")]
    public static partial void SecretReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "{Actor} {Change} a signing secret of source {Source}")]
    public static partial void SecretRotated(ILogger logger, string actor, string change, string source);

    [LoggerMessage(5, LogLevel.Warning, "Announcing new deliveries to the workers failed; they find them at their next poll")]
    public static partial void AnnounceFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "PostgreSQL refused a value in a batch of {Count} deliveries ({SqlState}); writing each alone")]
    public static partial void BatchValueRefused(ILogger logger, int count, string sqlState);

    [LoggerMessage(7, LogLevel.Warning, "PostgreSQL refused a value of a {Provider} delivery ({SqlState}); it is refused with 400")]
    public static partial void DeliveryValueRefused(ILogger logger, string provider, string sqlState);
}
