using System.Text.RegularExpressions;
using Integrations.Gate.Client;
using Integrations.Gate.RateLimits;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Integrations.Gate.Apis;

/// <summary>
/// <c>/api/ratelimits</c>: decisions (single or batched) on <c>(provider, connection)</c> budgets, and
/// reports of provider responses that pause a budget for everyone. See <see cref="RateLimiter"/>.
/// When Redis is unreachable a decision fails as <c>Gate:RateLimitFailureMode</c> says: 503 (closed,
/// the default) or allowed and marked <c>degraded</c> (open). A report always fails with 503.
/// </summary>
public static partial class RateLimitsApi
{
    public const int MaxBatch = 1000;
    private const int MaxCost = 1000;

    public static RouteGroupBuilder MapRateLimitsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);

        var rateLimits = api.MapGroup("ratelimits").WithTags("Rate limits");
        rateLimits.MapPost("/decisions", DecideCall);
        rateLimits.MapPost("/decisions/batch", DecideCalls);
        rateLimits.MapPost("/reports", RecordProviderResponse);
        return rateLimits;
    }

    public static async Task<Results<Ok<RateLimitDecision>, ValidationProblem, ProblemHttpResult>> DecideCall(
        RateLimitRequest request, RateLimiter limiter, IOptions<GateOptions> options, ILogger<RateLimiter> logger)
    {
        var settings = options.Value;
        Dictionary<string, string[]>? errors = null;
        Validate(request, settings, "", ref errors);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            return TypedResults.Ok(await limiter.DecideAsync(request.Provider, request.Connection, request.Cost, settings.Budgets[request.Provider]));
        }
        catch (Exception ex) when (GateProblems.IsUnavailable(ex))
        {
            return FailDecision(settings, logger, ex, Degraded);
        }
    }

    public static async Task<Results<Ok<RateLimitDecision[]>, ValidationProblem, ProblemHttpResult>> DecideCalls(
        RateLimitRequest[] requests, RateLimiter limiter, IOptions<GateOptions> options, ILogger<RateLimiter> logger)
    {
        var settings = options.Value;
        if (requests.Length is 0 or > MaxBatch)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [""] = [$"A batch holds between 1 and {MaxBatch} requests."],
            });
        }

        Dictionary<string, string[]>? errors = null;
        for (var i = 0; i < requests.Length; i++)
        {
            Validate(requests[i], settings, $"[{i}].", ref errors);
        }

        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var work = Array.ConvertAll(requests, request => (request, settings.Budgets[request.Provider]));
        try
        {
            return TypedResults.Ok(await limiter.DecideManyAsync(work));
        }
        catch (Exception ex) when (GateProblems.IsUnavailable(ex))
        {
            return FailDecision(settings, logger, ex, () => Array.ConvertAll(work, _ => Degraded()));
        }
    }

    public static async Task<Results<Ok<RateLimitPause>, ValidationProblem, ProblemHttpResult>> RecordProviderResponse(
        ProviderResponseReport report, RateLimiter limiter, IOptions<GateOptions> options, TimeProvider time, ILogger<RateLimiter> logger)
    {
        var settings = options.Value;
        Dictionary<string, string[]>? errors = null;
        Validate(new RateLimitRequest(report.Provider, report.Connection), settings, "", ref errors);
        if (report.StatusCode is < 100 or > 599)
        {
            (errors ??= [])["statusCode"] = ["statusCode must be an HTTP status code."];
        }

        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (ProviderPause.For(report, time.GetUtcNow(), settings.DefaultPause, settings.MaxPause) is not { } pause)
        {
            return TypedResults.Ok(new RateLimitPause(false, TimeSpan.Zero));
        }

        try
        {
            var inForce = await limiter.PauseAsync(report.Provider, report.Connection, pause);
            GateLog.BudgetPaused(logger, report.Provider, report.Connection, inForce, report.StatusCode);
            return TypedResults.Ok(new RateLimitPause(true, inForce));
        }
        catch (Exception ex) when (GateProblems.IsUnavailable(ex))
        {
            GateLog.RedisUnavailable(logger, "report", ex);
            return GateProblems.RedisUnavailable("the pause was not recorded");
        }
    }

    private static Results<Ok<T>, ValidationProblem, ProblemHttpResult> FailDecision<T>(
        GateOptions settings, ILogger logger, Exception exception, Func<T> degraded)
    {
        if (settings.RateLimitFailureMode == RateLimitFailureMode.Open)
        {
            GateLog.RateLimitsFailingOpen(logger, exception);
            return TypedResults.Ok(degraded());
        }

        GateLog.RedisUnavailable(logger, "rate-limit decision", exception);
        return GateProblems.RedisUnavailable("no call may be allowed");
    }

    private static RateLimitDecision Degraded() =>
        new(Allowed: true, Remaining: 0, RetryAfter: TimeSpan.Zero, Reset: TimeSpan.Zero, Degraded: true);

    /// <summary>Adds the request's problems to <paramref name="errors"/>, created on the first one: a valid request allocates nothing.</summary>
    internal static void Validate(RateLimitRequest request, GateOptions settings, string prefix, ref Dictionary<string, string[]>? errors)
    {
        if (string.IsNullOrEmpty(request.Provider) || !ProviderBudgets.IsValidProviderName(request.Provider)
            || !settings.Budgets.ContainsKey(request.Provider))
        {
            (errors ??= [])[prefix + "provider"] = [$"provider must be one of: {string.Join(", ", settings.Budgets.Keys.Order(StringComparer.Ordinal))}."];
        }

        if (string.IsNullOrEmpty(request.Connection) || !ConnectionName().IsMatch(request.Connection))
        {
            (errors ??= [])[prefix + "connection"] = ["connection is 1-128 characters: letters, digits and . _ - : @ #"];
        }

        if (request.Cost is < 1 or > MaxCost)
        {
            (errors ??= [])[prefix + "cost"] = [$"cost must be between 1 and {MaxCost}."];
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._:@#-]{1,128}$")]
    private static partial Regex ConnectionName();
}
