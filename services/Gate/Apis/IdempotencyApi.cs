using Integrations.Gate.Client;
using Integrations.Gate.Idempotency;
using Integrations.Gate.RateLimits;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Integrations.Gate.Apis;

/// <summary>
/// <c>/api/idempotency</c>: begin, complete and fail a key. Each is one atomic Redis script (see
/// <see cref="IdempotencyStore"/>). <c>in_progress</c> is 409, <c>mismatch</c> 422, a stale lease on
/// complete/fail 409, invalid input 400, Redis unreachable 503: the gate never answers <c>new</c>
/// without having written the lease. A begin may carry the rate-limit decision the caller takes next
/// (<see cref="BeginRequest.Budget"/>), and begin and complete have batch forms, so that a worker
/// running many effects at once pays one round trip for many of them.
/// </summary>
public static class IdempotencyApi
{
    public const int MaxBatch = 1000;

    public static RouteGroupBuilder MapIdempotencyApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);

        var idempotency = api.MapGroup("idempotency").WithTags("Idempotency");
        idempotency.MapPost("/begin", BeginWork);
        idempotency.MapPost("/begin/batch", BeginWorks);
        idempotency.MapPost("/complete", CompleteWork);
        idempotency.MapPost("/complete/batch", CompleteWorks);
        idempotency.MapPost("/fail", FailWork);
        return idempotency;
    }

    public static async Task<Results<Ok<BeginResult>, Conflict<BeginResult>, ValidationProblem, ProblemHttpResult>> BeginWork(
        BeginRequest request, IdempotencyStore store, RateLimiter limiter, IOptions<GateOptions> options, ILogger<IdempotencyStore> logger)
    {
        var settings = options.Value;
        var errors = new Dictionary<string, string[]>();
        ValidateBegin(request, settings, "", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        BeginResult result;
        try
        {
            result = await BeginAsync(request, store, limiter, settings, logger);
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

    /// <summary>
    /// Many begins at once, pipelined to Redis; each answer is a value in request order (<c>in_progress</c>
    /// and <c>mismatch</c> included). Any invalid entry refuses the whole batch (400) before anything is
    /// begun. If Redis fails, the whole batch is 503: a caller never proceeds on a key it was not told is
    /// granted, and a grant it was not told of expires with its lease.
    /// </summary>
    public static async Task<Results<Ok<BeginResult[]>, ValidationProblem, ProblemHttpResult>> BeginWorks(
        BeginRequest[] requests, IdempotencyStore store, RateLimiter limiter, IOptions<GateOptions> options, ILogger<IdempotencyStore> logger)
    {
        var settings = options.Value;
        var errors = new Dictionary<string, string[]>();
        if (ValidateBatch(requests, errors))
        {
            for (var i = 0; i < requests.Length; i++)
            {
                ValidateBegin(requests[i], settings, $"[{i}].", errors);
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            return TypedResults.Ok(await Task.WhenAll(Array.ConvertAll(requests, request => BeginAsync(request, store, limiter, settings, logger))));
        }
        catch (Exception ex) when (GateProblems.IsUnavailable(ex))
        {
            GateLog.RedisUnavailable(logger, "begin batch", ex);
            return GateProblems.RedisUnavailable("no lease of the batch may be relied on");
        }
    }

    /// <summary>
    /// Begins the key and, when it is granted and a budget is asked for, takes that decision too. A
    /// decision Redis could not take is left out (null) rather than failing a grant already written:
    /// the caller then asks for it on its own, and releases the key if that fails.
    /// </summary>
    private static async Task<BeginResult> BeginAsync(BeginRequest request, IdempotencyStore store, RateLimiter limiter, GateOptions settings, ILogger logger)
    {
        var result = await store.BeginAsync(request.Key, request.Fingerprint, request.Lease ?? settings.DefaultLease, settings.IdempotencyRetention);
        if (result.Status != IdempotencyStatus.New || request.Budget is not { } budget)
        {
            return result;
        }

        try
        {
            return result with { Budget = await limiter.DecideAsync(budget.Provider, budget.Connection, budget.Cost, settings.Budgets[budget.Provider]) };
        }
        catch (Exception ex) when (GateProblems.IsUnavailable(ex))
        {
            GateLog.RedisUnavailable(logger, "rate-limit decision after begin", ex);
            return result;
        }
    }

    private static void ValidateBegin(BeginRequest request, GateOptions settings, string prefix, Dictionary<string, string[]> errors)
    {
        AddKeyProblem(errors, prefix, request.Key);
        if (string.IsNullOrEmpty(request.Fingerprint) || request.Fingerprint.Length > IdempotencyKey.MaxFingerprintLength)
        {
            errors[prefix + "fingerprint"] = [$"fingerprint is required and at most {IdempotencyKey.MaxFingerprintLength} characters."];
        }

        if (request.Lease is { } asked && (asked < TimeSpan.FromMilliseconds(100) || asked > settings.MaxLease))
        {
            errors[prefix + "lease"] = [$"lease must be between 00:00:00.100 and {settings.MaxLease:c}."];
        }

        if (request.Budget is { } budget)
        {
            Dictionary<string, string[]>? budgetErrors = null;
            RateLimitsApi.Validate(budget, settings, prefix + "budget.", ref budgetErrors);
            foreach (var (field, problems) in budgetErrors ?? [])
            {
                errors[field] = problems;
            }
        }
    }

    private static bool ValidateBatch<T>(T[]? requests, Dictionary<string, string[]> errors)
    {
        if (requests is { Length: > 0 and <= MaxBatch })
        {
            return true;
        }

        errors[""] = [$"A batch holds between 1 and {MaxBatch} requests."];
        return false;
    }

    public static async Task<Results<Ok<SettleResult>, ValidationProblem, ProblemHttpResult>> CompleteWork(
        CompleteRequest request, IdempotencyStore store, IOptions<GateOptions> options, ILogger<IdempotencyStore> logger)
    {
        var errors = new Dictionary<string, string[]>();
        ValidateComplete(request, "", errors);
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

    /// <summary>
    /// Many completes at once, pipelined to Redis; each answer in request order, a stale lease as
    /// <c>lease_lost</c> (a value here, not a 409). 503 if Redis fails: some outcomes may be stored,
    /// and repeating the same completes with the same tokens is harmless.
    /// </summary>
    public static async Task<Results<Ok<SettleResult[]>, ValidationProblem, ProblemHttpResult>> CompleteWorks(
        CompleteRequest[] requests, IdempotencyStore store, IOptions<GateOptions> options, ILogger<IdempotencyStore> logger)
    {
        var errors = new Dictionary<string, string[]>();
        if (ValidateBatch(requests, errors))
        {
            for (var i = 0; i < requests.Length; i++)
            {
                ValidateComplete(requests[i], $"[{i}].", errors);
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var retention = options.Value.IdempotencyRetention;
        try
        {
            var states = await Task.WhenAll(Array.ConvertAll(requests, request => store.CompleteAsync(request.Key, request.LeaseToken, request.Outcome!, retention)));
            for (var i = 0; i < states.Length; i++)
            {
                if (states[i] == GateClient.LeaseLost)
                {
                    GateLog.LeaseLost(logger, requests[i].Key);
                }
            }

            return TypedResults.Ok(Array.ConvertAll(states, state => new SettleResult(state)));
        }
        catch (Exception ex) when (GateProblems.IsUnavailable(ex))
        {
            GateLog.RedisUnavailable(logger, "complete batch", ex);
            return GateProblems.RedisUnavailable("not every outcome of the batch was stored; repeat it");
        }
    }

    private static void ValidateComplete(CompleteRequest request, string prefix, Dictionary<string, string[]> errors)
    {
        AddKeyProblem(errors, prefix, request.Key);
        AddTokenProblem(errors, prefix, request.LeaseToken);
        if (request.Outcome is null || request.Outcome.Length > IdempotencyKey.MaxOutcomeLength)
        {
            errors[prefix + "outcome"] = [$"outcome is required and at most {IdempotencyKey.MaxOutcomeLength} characters."];
        }
    }

    public static async Task<Results<Ok<SettleResult>, ValidationProblem, ProblemHttpResult>> FailWork(
        FailRequest request, IdempotencyStore store, IOptions<GateOptions> options, ILogger<IdempotencyStore> logger)
    {
        var errors = new Dictionary<string, string[]>();
        AddKeyProblem(errors, "", request.Key);
        AddTokenProblem(errors, "", request.LeaseToken);
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

    private static void AddKeyProblem(Dictionary<string, string[]> errors, string prefix, string? key)
    {
        if (IdempotencyKey.Problem(key) is { } problem)
        {
            errors[prefix + "key"] = [problem];
        }
    }

    private static void AddTokenProblem(Dictionary<string, string[]> errors, string prefix, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64)
        {
            errors[prefix + "leaseToken"] = ["leaseToken is required (the token begin returned)."];
        }
    }
}
