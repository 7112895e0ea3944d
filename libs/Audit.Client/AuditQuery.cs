using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Integrations.Audit.Client;

/// <summary>
/// Filters for reading the audit log; unset filters match everything. Pages are keyset pages:
/// newest first, continued with <see cref="Before"/> = the previous page's <c>next</c>; or, when
/// <see cref="After"/> is set, oldest first from that id, continued with <see cref="After"/> = <c>next</c>.
/// </summary>
public sealed record AuditQuery
{
    /// <summary>Rows at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Rows before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    public string? Actor { get; init; }
    public string? Provider { get; init; }
    public string? Action { get; init; }
    public string? Target { get; init; }
    public string? IdempotencyKey { get; init; }
    public string? Status { get; init; }
    public string? TraceId { get; init; }

    /// <summary>Rows written with this caller's key (<c>worker</c>, <c>operator</c>, …); see <see cref="AuditRecord.Caller"/>.</summary>
    public string? Caller { get; init; }

    /// <summary>Only rows with a smaller id (newest-first paging).</summary>
    public long? Before { get; init; }

    /// <summary>Only rows with a larger id, oldest first (tailing and forward paging).</summary>
    public long? After { get; init; }

    /// <summary>Rows per page, 1 to 1000; default 100. Ignored by export.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>The query parameters, starting with <c>?</c>; a filter that is null or empty is left out, so it matches everything.</summary>
    public string ToQueryString() => ToQueryString(withLimit: true);

    /// <summary>Without <paramref name="withLimit"/>, as the export asks: the server would cut an export at a limit it is sent.</summary>
    internal string ToQueryString(bool withLimit)
    {
        var query = QueryString.Empty;
        query = Add(query, "from", From?.ToString("O", CultureInfo.InvariantCulture));
        query = Add(query, "to", To?.ToString("O", CultureInfo.InvariantCulture));
        query = Add(query, "actor", Actor);
        query = Add(query, "provider", Provider);
        query = Add(query, "action", Action);
        query = Add(query, "target", Target);
        query = Add(query, "idempotencyKey", IdempotencyKey);
        query = Add(query, "status", Status);
        query = Add(query, "traceId", TraceId);
        query = Add(query, "caller", Caller);
        query = Add(query, "before", Before?.ToString(CultureInfo.InvariantCulture));
        query = Add(query, "after", After?.ToString(CultureInfo.InvariantCulture));
        return (withLimit ? query.Add("limit", Limit.ToString(CultureInfo.InvariantCulture)) : query).ToUriComponent();
    }

    private static QueryString Add(QueryString query, string name, string? value) =>
        string.IsNullOrEmpty(value) ? query : query.Add(name, value);
}
