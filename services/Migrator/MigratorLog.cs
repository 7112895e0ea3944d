namespace Integrations.Migrator;

internal static partial class MigratorLog
{
    [LoggerMessage(1, LogLevel.Information, "Applied migration {Version} to {Database}")]
    public static partial void Applied(ILogger logger, string database, string version);

    [LoggerMessage(3, LogLevel.Information, "Service roles and grants applied to {Database}")]
    public static partial void RolesApplied(ILogger logger, string database);

    [LoggerMessage(2, LogLevel.Critical, "Database migration failed; dependent services will not start")]
    public static partial void MigrationFailed(ILogger logger, Exception exception);
}
