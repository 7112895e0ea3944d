using Microsoft.Extensions.Logging;

namespace Integrations.DataProtection;

internal static partial class DataProtectionLog
{
    [LoggerMessage(1, LogLevel.Warning, "The Data Protection key {KeyId} that is {Role} is stored unencrypted; created key {NewKeyId}, encrypted, active from {ActivationDate}")]
    public static partial void ReplacedUnencryptedKey(ILogger logger, Guid keyId, string role, Guid newKeyId, DateTimeOffset activationDate);
}
