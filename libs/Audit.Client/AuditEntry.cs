using System.Text.Json;

namespace Integrations.Audit.Client;

/// <summary>One thing the automation did, as the caller reports it.</summary>
/// <param name="Actor">Who acted: a service, a user or an MCP client.</param>
/// <param name="Provider">The SaaS provider acted on, e.g. <c>slack</c>.</param>
/// <param name="Action">The business action, e.g. <c>SendMessage</c>.</param>
/// <param name="Target">What was acted on, e.g. a channel or repository.</param>
/// <param name="IdempotencyKey">The key that makes the effect happen at most once.</param>
/// <param name="Status">One of <see cref="AuditStatus"/>.</param>
/// <param name="Scope">The OAuth scope or permission the action used, if any.</param>
/// <param name="Details">Free-form context, a JSON object (e.g. <c>JsonSerializer.SerializeToElement(new { channel })</c>). Values under keys that look like secrets are redacted before storage.</param>
/// <param name="TraceId">The trace that caused the action; when unset, the trace of the write request is used.</param>
/// <param name="EntryId">
/// Set by a caller that may send the same entry again (an outbox shipping at least once): an entry whose
/// id the store already holds is not written twice, and its answer is the row written the first time.
/// </param>
public sealed record AuditEntry(
    string Actor,
    string Provider,
    string Action,
    string Target,
    string? IdempotencyKey,
    string Status,
    string? Scope = null,
    JsonElement? Details = null,
    string? TraceId = null,
    Guid? EntryId = null);
