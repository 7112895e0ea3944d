using Integrations.Audit.Client;

namespace Integrations.Worker.Connectors;

/// <summary>Records what the worker did in the audit store, as actor <c>worker</c> unless someone else asked for it.</summary>
public sealed class WriteAudit(AuditClient audit)
{
    public const string Actor = "worker";

    public Task<AuditRecord> RunAsync(string provider, string action, string target, string idempotencyKey, string status, CancellationToken cancellationToken) =>
        RunAsync(Actor, provider, action, target, idempotencyKey, status, cancellationToken);

    public Task<AuditRecord> RunAsync(string actor, string provider, string action, string target, string idempotencyKey, string status, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditEntry(actor, provider, action, target, idempotencyKey, status), cancellationToken);
}
