using Integrations.Gate.Client;
using Integrations.Gate.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Integrations.Gate.Apis;

/// <summary>
/// <c>/api/idempotency</c>: begin, complete and fail a key. Each is one atomic Redis script (see
/// <see cref="IdempotencyStore"/>). <c>in_progress</c> is 409, <c>mismatch</c> 422, a stale lease on
/// complete/fail 409, invalid input 400, Redis unreachable 503: the gate never answers <c>new</c>
/// without having written the lease.
/// </summary>
public static class IdempotencyApi
{
    public static RouteGroupBuilder MapIdempotencyApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);

        var idempotency = api.MapGroup("idempotency").WithTags("Idempotency");
        idempotency.MapPost("/begin", BeginWork);
        idempotency.MapPost("/complete", CompleteWork);
        idempotency.MapPost("/fail", FailWork);
        return idempotency;
    }

    public static async Task<Results<Ok<BeginResult>, Conflict<BeginResult>, ValidationProblem, ProblemHttpResult>> BeginWork(
        BeginRequest request, IdempotencyStore store, IOptions<GateOptions> options, ILogger<IdempotencyStore> logger)
    {
        var settings = options.Value;
        var errors = new Dictionary<string, string[]>();
        AddKeyProblem(errors, request.Key);
        if (string.IsNullOrEmpty(request.Fingerprint) || request.Fingerprint.Length > IdempotencyKey.MaxFingerprintLength)
        {
            errors["fingerprint"] = [$"fingerprint is required and at most {IdempotencyKey.MaxFingerprintLength} characters."];
        }

        if (request.Lease is { } asked && (asked < TimeSpan.FromMilliseconds(100) || asked > settings.MaxLease))
        {
            errors["lease"] = [$"lease must be between 00:00:00.100 and {settings.MaxLease:c}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        BeginResult result;
        try
        {
            result = await store.BeginAsync(request.Key, request.Fingerprint, request.Lease ?? settings.DefaultLease, settings.IdempotencyRetention);
        }
        catch (Exception ex) when (GateProblems.IsUnavailable(ex))
        {
            GateLog.RedisUnavailable(logger, "begin", ex);
            return GateProblems.RedisUnavailable("no lease was granted");
        }

        return result.Status switch
        {
            IdempotencyStatus.InProgress => TypedResults.Conflict(result),
            IdempotencyStatus.Mismatch => TypedResults.Problem(
                title: "Idempotency key reused with a different request.",
                detail: "This key was begun with another request fingerprint; use a new key for a different request.",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["idempotencyStatus"] = IdempotencyStatus.Mismatch }),
            _ => TypedResults.Ok(result),
        };
    }

    public static async Task<Results<Ok<SettleResult>, ValidationProblem, ProblemHttpResult>> CompleteWork(
        CompleteRequest request, IdempotencyStore store, IOptions<GateOptions> options, ILogger<IdempotencyStore> logger)
    {
        var errors = new Dictionary<string, string[]>();
        AddKeyProblem(errors, request.Key);
        AddTokenProblem(errors, request.LeaseToken);
        if (request.Outcome is null || request.Outcome.Length > IdempotencyKey.MaxOutcomeLength)
        {
            errors["outcome"] = [$"outcome is required and at most {IdempotencyKey.MaxOutcomeLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var state = await store.CompleteAsync(request.Key, request.LeaseToken, request.Outcome!, options.Value.IdempotencyRetention);
            return Settled(state, request.Key, logger);
        }
        catch (Exception ex) when (GateProblems.IsUnavailable(ex))
        {
            GateLog.RedisUnavailable(logger, "complete", ex);
            return GateProblems.RedisUnavailable("the outcome was not stored");
        }
    }

    public static async Task<Results<Ok<SettleResult>, ValidationProblem, ProblemHttpResult>> FailWork(
        FailRequest request, IdempotencyStore store, IOptions<GateOptions> options, ILogger<IdempotencyStore> logger)
    {
        var errors = new Dictionary<string, string[]>();
        AddKeyProblem(errors, request.Key);
        AddTokenProblem(errors, request.LeaseToken);
        if (request.Reason is { Length: > IdempotencyKey.MaxOutcomeLength })
        {
            errors["reason"] = [$"reason is at most {IdempotencyKey.MaxOutcomeLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var state = await store.FailAsync(request.Key, request.LeaseToken, request.Retryable, request.Reason, options.Value.IdempotencyRetention);
            return Settled(state, request.Key, logger);
        }
        catch (Exception ex) when (GateProblems.IsUnavailable(ex))
        {
            GateLog.RedisUnavailable(logger, "fail", ex);
            return GateProblems.RedisUnavailable("the failure was not recorded");
        }
    }

    private static Results<Ok<SettleResult>, ValidationProblem, ProblemHttpResult> Settled(string state, string key, ILogger logger)
    {
        if (state == GateClient.LeaseLost)
        {
            GateLog.LeaseLost(logger, key);
            return TypedResults.Problem(
                title: "The lease is no longer yours.",
                detail: "The lease expired and was claimed by another owner, or the token is unknown; nothing was changed.",
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["idempotencyStatus"] = GateClient.LeaseLost });
        }

        return TypedResults.Ok(new SettleResult(state));
    }

    private static void AddKeyProblem(Dictionary<string, string[]> errors, string? key)
    {
        if (IdempotencyKey.Problem(key) is { } problem)
        {
            errors["key"] = [problem];
        }
    }

    private static void AddTokenProblem(Dictionary<string, string[]> errors, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64)
        {
            errors["leaseToken"] = ["leaseToken is required (the token begin returned)."];
        }
    }
}
