using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Integrations.Cli.Commands;

/// <summary>The audit API's filters as options; unset filters match everything.</summary>
public sealed class AuditFilters
{
    private readonly Option<DateTimeOffset?> _from = new("--from") { Description = "Rows at or after this time (ISO 8601)." };
    private readonly Option<DateTimeOffset?> _to = new("--to") { Description = "Rows before this time (ISO 8601)." };
    private readonly Option<string?> _by = new("--by") { Description = "Rows whose actor is this (a user, service or mcp:<client>)." };
    private readonly Option<string?> _provider = new("--provider") { Description = "Rows about this provider." };
    private readonly Option<string?> _action = new("--action") { Description = "Rows of this business action, e.g. SendMessage." };
    private readonly Option<string?> _target = new("--target") { Description = "Rows about this target, e.g. a channel." };
    private readonly Option<string?> _key = new("--idempotency-key") { Description = "Rows of this idempotency key." };
    private readonly Option<string?> _status = new("--status") { Description = "started, succeeded, failed or skipped." };
    private readonly Option<string?> _traceId = new("--trace-id") { Description = "Rows of this trace." };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        _status.AcceptOnlyFromAmong("started", "succeeded", "failed", "skipped");
        foreach (var option in new Option[] { _from, _to, _by, _provider, _action, _target, _key, _status, _traceId })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The filters as query parameters, each <c>&amp;name=value</c>.</summary>
    public string Query(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var query = new StringBuilder();
        Add(query, "from", parse.GetValue(_from)?.ToString("O", CultureInfo.InvariantCulture));
        Add(query, "to", parse.GetValue(_to)?.ToString("O", CultureInfo.InvariantCulture));
        Add(query, "actor", parse.GetValue(_by));
        Add(query, "provider", parse.GetValue(_provider));
        Add(query, "action", parse.GetValue(_action));
        Add(query, "target", parse.GetValue(_target));
        Add(query, "idempotencyKey", parse.GetValue(_key));
        Add(query, "status", parse.GetValue(_status));
        Add(query, "traceId", parse.GetValue(_traceId));
        return query.ToString();
    }

    private static void Add(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }
}
