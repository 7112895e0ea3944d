using Integrations.Audit.Client;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Integrations.Audit.Apis;

public static class AuditApi
{
    private const int MaxFieldLength = 512;
    private const int MaxLimit = 1000;

    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/audit");
        api.MapPost("/", WriteAudit);
        api.MapGet("/", QueryAudit);
        return api;
    }

    public static async Task<Results<Created<AuditRecord>, ValidationProblem, ProblemHttpResult>> WriteAudit(
        AuditEntry entry, AuditStore store, CancellationToken cancellationToken)
    {
        var errors = Validate(entry);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var record = await store.AppendAsync(entry, cancellationToken);
            return TypedResults.Created($"/api/audit/{record.Id}", record);
        }
        catch (NpgsqlException ex) when (ex.IsTransient)
        {
            // Nothing was committed: the caller must retry, and is told so.
            return TypedResults.Problem(
                title: "The audit store is unavailable.",
                detail: "The row was not written; retry later.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    public static async Task<Results<Ok<IReadOnlyList<AuditRecord>>, ValidationProblem>> QueryAudit(
        AuditStore store,
        CancellationToken cancellationToken,
        string? provider = null,
        string? action = null,
        string? idempotencyKey = null,
        string? traceId = null,
        int limit = 100)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["limit"] = [$"limit must be between 1 and {MaxLimit}."],
            });
        }

        var records = await store.QueryAsync(new AuditQuery(provider, action, idempotencyKey, traceId, limit), cancellationToken);
        return TypedResults.Ok(records);
    }

    internal static Dictionary<string, string[]> Validate(AuditEntry entry)
    {
        var errors = new Dictionary<string, string[]>();
        Require(errors, "actor", entry.Actor);
        Require(errors, "provider", entry.Provider);
        Require(errors, "action", entry.Action);
        Require(errors, "target", entry.Target);
        if (entry.IdempotencyKey is { Length: > 255 })
        {
            errors["idempotencyKey"] = ["idempotencyKey is at most 255 characters."];
        }

        if (entry.Status is null || !AuditStatus.All.Contains(entry.Status))
        {
            errors["status"] = [$"status must be one of: {string.Join(", ", AuditStatus.All)}."];
        }

        return errors;
    }

    private static void Require(Dictionary<string, string[]> errors, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[name] = [$"{name} is required."];
        }
        else if (value.Length > MaxFieldLength)
        {
            errors[name] = [$"{name} is at most {MaxFieldLength} characters."];
        }
    }
}
