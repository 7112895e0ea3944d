using System.CommandLine;
using Integrations.Audit.Client;

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

    /// <summary>The filters as a query; an empty option matches everything, as an unset one does.</summary>
    public AuditQuery Query(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new AuditQuery
        {
            From = parse.GetValue(_from),
            To = parse.GetValue(_to),
            Actor = parse.GetValue(_by),
            Provider = parse.GetValue(_provider),
            Action = parse.GetValue(_action),
            Target = parse.GetValue(_target),
            IdempotencyKey = parse.GetValue(_key),
            Status = parse.GetValue(_status),
            TraceId = parse.GetValue(_traceId),
        };
    }
}
