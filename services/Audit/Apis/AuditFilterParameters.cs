using Integrations.Audit.Client;

namespace Integrations.Audit.Apis;

/// <summary>The query-string filters shared by <c>GET api/audit</c> and <c>GET api/audit/export</c>.</summary>
public sealed class AuditFilterParameters
{
    public const int MaxLimit = 1000;

    public DateTimeOffset? From { get; set; }
    public DateTimeOffset? To { get; set; }
    public string? Actor { get; set; }
    public string? Provider { get; set; }
    public string? Action { get; set; }
    public string? Target { get; set; }
    public string? IdempotencyKey { get; set; }
    public string? Status { get; set; }
    public string? TraceId { get; set; }
    public string? Caller { get; set; }
    public long? Before { get; set; }
    public long? After { get; set; }
    public int? Limit { get; set; }

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        if (Before is not null && After is not null)
        {
            errors["before"] = ["Use before (newest first) or after (oldest first), not both."];
        }

        if (From is { } from && To is { } to && from > to)
        {
            errors["from"] = ["from must not be later than to."];
        }

        return errors;
    }

    public AuditQuery ToQuery() => new()
    {
        From = From,
        To = To,
        Actor = Actor,
        Provider = Provider,
        Action = Action,
        Target = Target,
        IdempotencyKey = IdempotencyKey,
        Status = Status,
        TraceId = TraceId,
        Caller = Caller,
        Before = Before,
        After = After,
        Limit = Limit ?? 100,
    };
}
