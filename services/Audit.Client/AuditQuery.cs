using Microsoft.AspNetCore.Http;

namespace Integrations.Audit.Client;

/// <summary>Filters for reading the audit log; unset filters match everything.</summary>
public sealed record AuditQuery(
    string? Provider = null,
    string? Action = null,
    string? IdempotencyKey = null,
    string? TraceId = null,
    int Limit = 100)
{
    public string ToQueryString()
    {
        var query = QueryString.Empty;
        query = Add(query, "provider", Provider);
        query = Add(query, "action", Action);
        query = Add(query, "idempotencyKey", IdempotencyKey);
        query = Add(query, "traceId", TraceId);
        return query.Add("limit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToUriComponent();
    }

    private static QueryString Add(QueryString query, string name, string? value) =>
        value is null ? query : query.Add(name, value);
}
