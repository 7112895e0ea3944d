namespace Integrations.Audit.Client;

/// <summary>The answer to a committed batch write: the new rows' ids, in the order the entries were sent.</summary>
public sealed record AuditBatchWritten(int Count, IReadOnlyList<long> Ids);
