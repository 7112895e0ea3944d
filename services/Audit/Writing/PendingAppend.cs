using Integrations.Audit.Chain;

namespace Integrations.Audit.Writing;

/// <summary>One write request in the queue: its rows, and where to report the committed rows or the failure.</summary>
public sealed record PendingAppend(IReadOnlyList<NewAuditRow> Rows, TaskCompletionSource<IReadOnlyList<ChainRow>> Done);
