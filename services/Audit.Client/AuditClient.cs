using System.Net.Http.Json;

namespace Integrations.Audit.Client;

/// <summary>
/// Typed client for the audit store. <see cref="WriteAsync"/> returns only once the row is committed;
/// a failure throws, so callers retry rather than lose the record.
/// </summary>
public sealed class AuditClient(HttpClient http)
{
    public async Task<AuditRecord> WriteAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);

        using var response = await http.PostAsJsonAsync("api/audit", entry, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<AuditRecord>(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The audit store answered without a record.");
    }

    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);

        var records = await http.GetFromJsonAsync<List<AuditRecord>>($"api/audit{query.ToQueryString()}", cancellationToken)
            .ConfigureAwait(false);
        return records ?? [];
    }
}
