using System.Diagnostics;
using Integrations.Audit.Client;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Records what the worker did in the audit store, as actor <c>worker</c> unless someone else asked
/// for it. A write returns once its row is committed. Rows written at the same time by different
/// deliveries share one batch request (<see cref="Coalescer{TItem, TResult}"/>) and one transaction;
/// each row carries the trace of the delivery that wrote it. A batch the audit store refuses as
/// invalid is written again row by row, so that one bad row fails only its own writer.
/// </summary>
public sealed class WriteAudit : IAsyncDisposable
{
    public const string Actor = "worker";

    private const int MaxBatch = 500;
    private const int Senders = 2;

    private readonly IHttpClientFactory _clients;
    private readonly Coalescer<AuditEntry, Exception?> _writes;

    public WriteAudit(IHttpClientFactory clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _clients = clients;
        _writes = new("audit write batch", WriteBatchAsync, MaxBatch, Senders);
    }

    public Task RunAsync(string provider, string action, string target, string idempotencyKey, string status, CancellationToken cancellationToken) =>
        RunAsync(Actor, provider, action, target, idempotencyKey, status, cancellationToken);

    public async Task RunAsync(string actor, string provider, string action, string target, string idempotencyKey, string status, CancellationToken cancellationToken)
    {
        var entry = new AuditEntry(actor, provider, action, target, idempotencyKey, status, TraceId: Activity.Current?.TraceId.ToHexString());
        if (await _writes.SendAsync(entry, cancellationToken) is { } refused)
        {
            throw refused;
        }
    }

    /// <returns>Per entry: null when its row is committed, or why the audit store refused that entry alone.</returns>
    private async Task<IReadOnlyList<Exception?>> WriteBatchAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var audit = new AuditClient(_clients.CreateClient(nameof(AuditClient)));
        try
        {
            await audit.WriteManyAsync(entries, cancellationToken);
            return new Exception?[entries.Count];
        }
        catch (HttpRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.BadRequest && entries.Count > 1)
        {
            // Not an outage: some entry is invalid, and nothing was written. Alone, each valid entry is written and each invalid one refused.
            var outcomes = new Exception?[entries.Count];
            for (var i = 0; i < entries.Count; i++)
            {
                try
                {
                    await audit.WriteAsync(entries[i], cancellationToken);
                }
                catch (HttpRequestException refused) when (refused.StatusCode == System.Net.HttpStatusCode.BadRequest)
                {
                    outcomes[i] = refused;
                }
            }

            return outcomes;
        }
    }

    public ValueTask DisposeAsync() => _writes.DisposeAsync();
}
