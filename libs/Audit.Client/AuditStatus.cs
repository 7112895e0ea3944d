namespace Integrations.Audit.Client;

public static class AuditStatus
{
    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Started, Succeeded, Failed, Skipped,
    };
}
