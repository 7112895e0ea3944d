using Integrations.Audit.Client;

namespace Integrations.Worker.Connectors;

/// <summary>Records what the worker did in the audit store, as actor <c>worker</c>.</summary>
public sealed class WriteAudit(AuditClient audit)
{
    public const string Actor = "worker";

    public Task<AuditRecord> RunAsync(string provider, string action, string target, string idempotencyKey, string status, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditEntry(Actor, provider, action, target, idempotencyKey, status), cancellationToken);
}
