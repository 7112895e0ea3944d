using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Integrations.Audit.Chain;
using Integrations.Audit.Client;
using Integrations.Audit.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Integrations.Audit.Apis;

/// <summary>
/// <c>/api/audit</c>, behind the audit API keys: write one row or a batch (201 only once committed, 503
/// when PostgreSQL is unreachable: nothing was written, retry), read filtered keyset pages, export
/// NDJSON, and verify the hash chain. Each calling service has its own key (<c>Audit:Callers:&lt;name&gt;</c>)
/// and operators share <c>Audit:ApiKey</c>; every row written is stamped with the owner of the key that
/// authenticated the request as its caller, whatever actor the entry claims.
/// </summary>
public static partial class AuditApi
{
    public const int MaxBatchEntries = 1000;
    private const int MaxFieldLength = 512;
    private const int MaxDetailsLength = 16 * 1024;

    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/audit").RequireApiKeys(CallerKeys).WithTags("Audit");
        api.MapPost("/", WriteAudit);
        api.MapPost("/batch", WriteAuditBatch);
        api.MapGet("/", QueryAudit);
        api.MapGet("/export", ExportAudit);
        api.MapGet("/verify", VerifyAudit);
        return api;
    }

    /// <summary>The keys the API accepts, by caller: <c>operator</c> for <c>Audit:ApiKey</c>, then each <c>Audit:Callers:&lt;name&gt;</c>.</summary>
    internal static IEnumerable<KeyValuePair<string, string?>> CallerKeys(IConfiguration configuration)
    {
        yield return KeyValuePair.Create(AuditOptions.OperatorCaller, configuration[AuditOptions.ApiKeyConfiguration]);
        foreach (var caller in configuration.GetSection(AuditOptions.CallersConfiguration).GetChildren())
        {
            yield return KeyValuePair.Create(caller.Key, caller.Value);
        }
    }

    public static async Task<Results<Created<AuditRecord>, ValidationProblem, ProblemHttpResult>> WriteAudit(
        AuditEntry entry, HttpContext context, AuditWriter writer, ILogger<AuditWriter> logger, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var row = Prepare(entry, context.GetApiKeyOwner(), "", errors);
        if (row is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var written = await writer.AppendAsync([row], cancellationToken);
            var record = written[0].ToRecord();
            return TypedResults.Created($"/api/audit?after={record.Id - 1}&limit=1", record);
        }
        catch (Exception ex) when (AuditProblems.IsUnavailable(ex))
        {
            AuditLog.DatabaseUnavailable(logger, "write", ex);
            return AuditProblems.Unavailable("The row was not written; retry later.");
        }
    }

    public static async Task<Results<Created<AuditBatchWritten>, ValidationProblem, ProblemHttpResult>> WriteAuditBatch(
        AuditEntry[] entries, HttpContext context, AuditWriter writer, ILogger<AuditWriter> logger, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (entries is null || entries.Length is 0 or > MaxBatchEntries)
        {
            errors["entries"] = [$"Send 1 to {MaxBatchEntries} entries."];
            return TypedResults.ValidationProblem(errors);
        }

        var caller = context.GetApiKeyOwner();
        var rows = new NewAuditRow[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            rows[i] = Prepare(entries[i], caller, $"[{i}].", errors)!;
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var written = await writer.AppendAsync(rows, cancellationToken);
            var ids = written.Select(row => row.Id).ToArray();
            return TypedResults.Created($"/api/audit?after={ids[0] - 1}&limit={ids.Length}", new AuditBatchWritten(ids.Length, ids));
        }
        catch (Exception ex) when (AuditProblems.IsUnavailable(ex))
        {
            AuditLog.DatabaseUnavailable(logger, "batch write", ex);
            return AuditProblems.Unavailable("No row of the batch was written; retry later.");
        }
    }

    public static async Task<Results<Ok<AuditPage>, ValidationProblem, ProblemHttpResult>> QueryAudit(
        [AsParameters] AuditFilterParameters filter, AuditStore store, ILogger<AuditStore> logger, CancellationToken cancellationToken)
    {
        var errors = filter.Validate();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var (items, next) = await store.QueryAsync(filter.ToQuery(), cancellationToken);
            return TypedResults.Ok(new AuditPage(
                items.Select(row => row.ToRecord()).ToList(),
                next?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        catch (Exception ex) when (AuditProblems.IsUnavailable(ex))
        {
            AuditLog.DatabaseUnavailable(logger, "query", ex);
            return AuditProblems.Unavailable("The audit log cannot be read right now; retry later.");
        }
    }

    /// <summary>Every matching row, oldest first, as NDJSON streamed from the database reader (limit and cursors apply as in the query).</summary>
    public static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> ExportAudit(
        [AsParameters] AuditFilterParameters filter, HttpContext context, AuditStore store, ILogger<AuditStore> logger, CancellationToken cancellationToken)
    {
        var errors = filter.Validate();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Unlike a page, an export has no limit unless one is asked for.
        await using var rows = store.StreamAsync(filter.ToQuery(), ascending: true, limit: filter.Limit, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        bool any;
        try
        {
            any = await rows.MoveNextAsync();
        }
        catch (Exception ex) when (AuditProblems.IsUnavailable(ex))
        {
            AuditLog.DatabaseUnavailable(logger, "export", ex);
            return AuditProblems.Unavailable("The export could not start; retry later.");
        }

        await NdjsonExport.WriteAllAsync(context.Response, rows, any, cancellationToken);
        return TypedResults.Empty;
    }

    public static async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> VerifyAudit(
        ChainVerifier verifier, ILogger<ChainVerifier> logger, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await verifier.VerifyAsync(cancellationToken));
        }
        catch (Exception ex) when (AuditProblems.IsUnavailable(ex))
        {
            AuditLog.DatabaseUnavailable(logger, "verify", ex);
            return AuditProblems.Unavailable("The chain could not be verified right now; retry later.");
        }
    }

    /// <summary>
    /// Validates an entry (errors keyed with <paramref name="prefix"/>) and turns it into a redacted row written by
    /// <paramref name="caller"/>; null when invalid.
    /// </summary>
    internal static NewAuditRow? Prepare(AuditEntry? entry, string caller, string prefix, Dictionary<string, string[]> errors)
    {
        if (entry is null)
        {
            errors[prefix + "entry"] = ["An entry is required."];
            return null;
        }

        var before = errors.Count;
        Require(errors, prefix, "actor", entry.Actor);
        Require(errors, prefix, "provider", entry.Provider);
        Require(errors, prefix, "action", entry.Action);
        Require(errors, prefix, "target", entry.Target);
        if (entry.IdempotencyKey is { Length: > 255 })
        {
            errors[prefix + "idempotencyKey"] = ["idempotencyKey is at most 255 characters."];
        }

        if (entry.Status is null || !AuditStatus.All.Contains(entry.Status))
        {
            errors[prefix + "status"] = [$"status must be one of: {string.Join(", ", AuditStatus.All)}."];
        }

        if (entry.Scope is { Length: > MaxFieldLength })
        {
            errors[prefix + "scope"] = [$"scope is at most {MaxFieldLength} characters."];
        }

        if (entry.TraceId is { } traceId && !TraceIdPattern().IsMatch(traceId))
        {
            errors[prefix + "traceId"] = ["traceId must be 32 lower-case hex digits (a W3C trace id)."];
        }

        if (entry.Details is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            errors[prefix + "details"] = ["details must be a JSON object."];
            return null;
        }

        var details = DetailsRedactor.Redact(entry.Details);
        if (details.Length > MaxDetailsLength)
        {
            errors[prefix + "details"] = [$"details must serialise to at most {MaxDetailsLength} characters."];
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new NewAuditRow(entry.Actor, entry.Provider, entry.Action, entry.Target, entry.IdempotencyKey, entry.Status!,
            entry.TraceId ?? Activity.Current?.TraceId.ToHexString(), entry.Scope, details, caller, entry.EntryId);
    }

    private static void Require(Dictionary<string, string[]> errors, string prefix, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[prefix + name] = [$"{name} is required."];
        }
        else if (value.Length > MaxFieldLength)
        {
            errors[prefix + name] = [$"{name} is at most {MaxFieldLength} characters."];
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdPattern();
}
