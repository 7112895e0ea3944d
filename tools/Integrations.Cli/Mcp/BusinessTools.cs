using Integrations.Worker.Client;
using System.ComponentModel;
using System.Globalization;
using Integrations.Audit.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Integrations.Cli.Mcp;

/// <summary>
/// The business actions an MCP client may ask for. Each checks <see cref="McpPermissions"/> first
/// (a refusal calls nothing), acts as <c>mcp:&lt;client name&gt;</c>, and is audited: the worker
/// audits its actions under that actor; <c>query_audit</c>, <c>preview_replay</c> and <c>replay_delivery</c>
/// write their own audit row here (the last only when the worker refuses). No tool takes or returns a key or token.
/// </summary>
[McpServerToolType]
public sealed class BusinessTools(McpServices services, IOptions<McpPermissions> permissions, ILogger<BusinessTools> logger)
{
    private const int MaxAuditRows = 200;

    [McpServerTool(Name = "send_message", Title = "Send a Slack message", Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("Post a message to a Slack channel. Runs at most once per idempotency key and is audited with this MCP client as actor. Only channels the server allows.")]
    public Task<ActionResult> SendMessage(
        McpServer server,
        [Description("The Slack channel, e.g. #ops.")] string channel,
        [Description("The message text, 1 to 40000 characters.")] string text,
        [Description("Optional key provider:event_id:action (e.g. slack:deploy-42:send_message); send the same key to retry without posting twice.")] string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        permissions.Value.Demand("send_message", "channel", permissions.Value.AllowedChannels, channel);
        return RunAsync(server, "send_message", actor => services.Worker.SendMessageAsync(
            new SendMessageRequest(channel, text, actor, idempotencyKey), cancellationToken));
    }

    [McpServerTool(Name = "create_ticket", Title = "Open an issue", Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("Open an issue in a repository. Runs at most once per idempotency key and is audited with this MCP client as actor; the result's outcome is the issue URL. Only repositories the server allows.")]
    public Task<ActionResult> CreateTicket(
        McpServer server,
        [Description("The repository, owner/repo.")] string repository,
        [Description("The issue title.")] string title,
        [Description("The issue body, Markdown.")] string? body = null,
        [Description("Labels to set on the issue.")] string[]? labels = null,
        [Description("Optional key provider:event_id:action; send the same key to retry without opening a second issue.")] string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        permissions.Value.Demand("create_ticket", "repository", permissions.Value.AllowedRepositories, repository);
        return RunAsync(server, "create_ticket", actor => services.Worker.CreateTicketAsync(
            new CreateTicketRequest(repository, title, actor, body ?? "", labels ?? [], idempotencyKey), cancellationToken));
    }

    [McpServerTool(Name = "record_payment_event", Title = "Record a payment event", Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("Record what a payment (Stripe) event says about a customer; fields left out keep their stored values, and an event older than the stored one changes nothing. Audited with this MCP client as actor. Needs the provider stripe to be allowed.")]
    public Task<ActionResult> RecordPaymentEvent(
        McpServer server,
        [Description("The event id, e.g. evt_123 (letters, digits, underscores).")] string eventId,
        [Description("The customer id, e.g. cus_123.")] string customerId,
        [Description("When the event happened (ISO 8601); default now.")] DateTimeOffset? eventCreated = null,
        [Description("The customer's e-mail address.")] string? email = null,
        [Description("The customer's name.")] string? name = null,
        [Description("The plan the customer is on.")] string? plan = null,
        [Description("Amount in the currency's smallest unit, e.g. cents.")] long? amount = null,
        [Description("Lower-case ISO 4217 currency, e.g. usd.")] string? currency = null,
        [Description("Whether the event is from live mode.")] bool livemode = false,
        [Description("Optional key provider:event_id:action; default stripe:<eventId>:record_payment_event.")] string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        permissions.Value.Demand("record_payment_event", "provider", permissions.Value.AllowedProviders, "stripe");
        return RunAsync(server, "record_payment_event", actor => services.Worker.RecordPaymentEventAsync(
            new RecordPaymentEventRequest(eventId, customerId, actor, eventCreated, email, name, plan, amount, currency, livemode, idempotencyKey), cancellationToken));
    }

    [McpServerTool(Name = "query_audit", Title = "Query the audit log", ReadOnly = true, OpenWorld = false)]
    [Description("Read audit rows (who did what, to what, when, with which outcome), newest first. Filters left out match everything. Returns { items, next }; pass next as 'before' for the following, older page (null on the last page). The query itself is audited.")]
    public Task<object> QueryAudit(
        McpServer server,
        [Description("Rows at or after this time (ISO 8601).")] DateTimeOffset? from = null,
        [Description("Rows before this time (ISO 8601).")] DateTimeOffset? to = null,
        [Description("Rows by this actor, e.g. alice or mcp:claude.")] string? actor = null,
        [Description("Rows about this provider, e.g. slack.")] string? provider = null,
        [Description("Rows of this action, e.g. SendMessage.")] string? action = null,
        [Description("Rows about this target, e.g. #ops.")] string? target = null,
        [Description("Rows of this idempotency key.")] string? idempotencyKey = null,
        [Description("started, succeeded, failed or skipped.")] string? status = null,
        [Description("Rows of this trace id.")] string? traceId = null,
        [Description("The cursor of the next, older page: the previous page's next.")] string? before = null,
        [Description("Rows per page, 1 to 200; default 50.")] int limit = 50,
        CancellationToken cancellationToken = default)
    {
        permissions.Value.Demand("query_audit");
        if (limit is < 1 or > MaxAuditRows)
        {
            throw new McpException($"limit must be between 1 and {MaxAuditRows}.");
        }

        long? cursor = null;
        if (!string.IsNullOrEmpty(before))
        {
            cursor = long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new McpException("before must be the next of a previous page.");
        }

        var filters = new List<(string Name, string? Value)>
        {
            ("from", from?.ToString("O", CultureInfo.InvariantCulture)),
            ("to", to?.ToString("O", CultureInfo.InvariantCulture)),
            ("actor", actor), ("provider", provider), ("action", action), ("target", target),
            ("idempotencyKey", idempotencyKey), ("status", status), ("traceId", traceId),
        }.Where(f => !string.IsNullOrEmpty(f.Value)).ToList();
        var query = new AuditQuery
        {
            From = from, To = to, Actor = actor, Provider = provider, Action = action, Target = target,
            IdempotencyKey = idempotencyKey, Status = status, TraceId = traceId, Before = cursor, Limit = limit,
        };
        var described = filters.Count == 0 ? "all" : string.Join(' ', filters.Select(f => $"{f.Name}={f.Value}"));
        return RunAsync<object>(server, "query_audit", async caller =>
        {
            var page = await services.Audit.QueryAsync(query, cancellationToken);
            await WriteAuditAsync(new AuditEntry(caller, "audit", "QueryAudit", Truncate(described), null, AuditStatus.Succeeded), cancellationToken);
            return page;
        });
    }

    [McpServerTool(Name = "replay_delivery", Title = "Replay a webhook delivery", Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("Run a stored webhook delivery's flow again, e.g. after fixing the cause of a dead letter. Effects already done are skipped by their idempotency keys. Audited with this MCP client as actor. Only providers the server allows.")]
    public Task<object> ReplayDelivery(
        McpServer server,
        [Description("The webhook source, e.g. github.")] string provider,
        [Description("The provider's delivery id.")] string deliveryId,
        CancellationToken cancellationToken = default)
    {
        permissions.Value.Demand("replay_delivery", "provider", permissions.Value.AllowedProviders, provider);
        return RunAsync<object>(server, "replay_delivery", async caller =>
        {
            var target = Truncate($"{provider}/{deliveryId}");
            try
            {
                // The worker audits the replay it performs, naming this client as the actor.
                await services.Worker.ReplayAsync(provider, deliveryId, caller, cancellationToken);
            }
            catch (CliException)
            {
                await WriteAuditAsync(new AuditEntry(caller, provider, "ReplayDelivery", target, null, AuditStatus.Failed), cancellationToken);
                throw;
            }

            return new { provider, deliveryId, queued = true };
        });
    }

    [McpServerTool(Name = "preview_replay", Title = "Preview a webhook delivery's replay", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Show what replaying a stored webhook delivery would do, without doing it: each effect the replay would skip (already done), run or fail on, with its idempotency key and whether it already exists. Calls no provider and changes nothing; 'complete' is false when the preview could not see past a step whose result only a provider call gives ('stoppedBecause' names it). The preview is audited with this MCP client as actor. Only providers the server allows.")]
    public Task<ReplayPreview> PreviewReplay(
        McpServer server,
        [Description("The webhook source, e.g. github.")] string provider,
        [Description("The provider's delivery id.")] string deliveryId,
        CancellationToken cancellationToken = default)
    {
        permissions.Value.Demand("preview_replay", "provider", permissions.Value.AllowedProviders, provider);
        return RunAsync(server, "preview_replay", async caller =>
        {
            var preview = await services.Worker.PreviewReplayAsync(provider, deliveryId, cancellationToken);
            // An agent's reads are audited here, as query_audit is; the worker does not audit a preview.
            await WriteAuditAsync(new AuditEntry(caller, provider, "PreviewReplay", Truncate($"delivery/{provider}/{deliveryId}"), null, AuditStatus.Succeeded), cancellationToken);
            return preview;
        });
    }

    /// <summary>Runs a tool as this session's actor; a service's refusal becomes a tool error with its problem details.</summary>
    private async Task<T> RunAsync<T>(McpServer server, string tool, Func<string, Task<T>> run)
    {
        var actor = McpActor.From(server.ClientInfo?.Name);
        try
        {
            var result = await run(actor);
            CliLog.ToolCalled(logger, tool, actor);
            return result;
        }
        catch (CliException ex)
        {
            CliLog.ToolFailed(logger, tool, actor, ex.ExitCode);
            throw new McpException(ex.Message);
        }
    }

    private async Task WriteAuditAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await services.Audit.WriteAsync(entry, cancellationToken);
        }
        catch (CliException ex)
        {
            throw new CliException(ExitCodes.Unavailable, $"The call could not be audited ({ex.Message}).");
        }
    }

    private static string Truncate(string value) => value.Length > 512 ? value[..512] : value;
}
