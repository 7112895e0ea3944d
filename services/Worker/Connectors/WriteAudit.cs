using System.Diagnostics;
using Integrations.Audit.Client;
using Npgsql;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Records what the worker did in the audit store, as actor <c>worker</c> unless someone else asked
/// for it. A write returns once its row is committed to the worker's <see cref="AuditOutbox"/>, from
/// which <see cref="AuditShipper"/> ships it to the audit service: a step never waits for the audit
/// service, and a row once written is never lost, even while the audit service is down. Rows written
/// at the same time by different deliveries share one insert (<see cref="Coalescer{TItem, TResult}"/>);
/// each row carries the trace of the delivery that wrote it.
/// </summary>
public sealed class WriteAudit : IAsyncDisposable
{
    public const string Actor = "worker";

    private const int MaxBatch = 500;
    private const int Senders = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly AuditOutbox _outbox;
    private readonly Coalescer<AuditEntry, bool> _writes;

    public WriteAudit(NpgsqlDataSource dataSource, AuditOutbox outbox)
    {
        _dataSource = dataSource;
        _outbox = outbox;
        _writes = new("audit outbox write batch", WriteBatchAsync, MaxBatch, Senders);
    }

    /// <summary>The entry a write of the current step records, with the current trace.</summary>
    public static AuditEntry Entry(string actor, string provider, string action, string target, string? idempotencyKey, string status) =>
        new(actor, provider, action, target, idempotencyKey, status, TraceId: Activity.Current?.TraceId.ToHexString());

    public Task RunAsync(string provider, string action, string target, string idempotencyKey, string status, CancellationToken cancellationToken) =>
        RunAsync(Actor, provider, action, target, idempotencyKey, status, cancellationToken);

    public Task RunAsync(string actor, string provider, string action, string target, string idempotencyKey, string status, CancellationToken cancellationToken) =>
        _writes.SendAsync(Entry(actor, provider, action, target, idempotencyKey, status), cancellationToken);

    /// <summary>Writes <paramref name="entry"/> as it is (its own actor, details and trace).</summary>
    public Task RunAsync(AuditEntry entry, CancellationToken cancellationToken) => _writes.SendAsync(entry, cancellationToken);

    private async Task<IReadOnlyList<bool>> WriteBatchAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(AuditOutbox.Insert(entries));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        _outbox.Announce();
        return [.. entries.Select(_ => true)];
    }

    public ValueTask DisposeAsync() => _writes.DisposeAsync();
}
