using System.Globalization;
using Integrations.Worker.Backfill;
using Integrations.Worker.Client;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Integrations.Worker.Apis;

/// <summary>
/// Gap recovery on demand: <c>POST /api/backfill/{source}?since=…</c> runs one source now,
/// <c>POST /api/backfill</c> every configured source (the dashboard's command). Requires the worker's
/// admin key; the run and every recovered delivery are audited under the caller named in <c>X-Actor</c>.
/// 404 for a source gap recovery does not know, 409 for one without its settings (Stripe's secret key,
/// GitHub's token and hooks), 502 when the provider refused or could not be read.
/// </summary>
public static class BackfillApi
{
    public static RouteGroupBuilder MapBackfillApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/backfill").RequireApiKey(QueueApi.AdminKeyConfiguration);
        api.MapPost("/{source}", BackfillSource)
            .WithSummary("Recover a source's lost deliveries")
            .WithDescription("Asks the provider what it sent since `since` (default: where the last run ended, else Backfill:Lookback) and recovers what was never stored.");
        api.MapPost("/", BackfillAll)
            .WithSummary("Recover every configured source's lost deliveries");
        return api;
    }

    public static async Task<Results<Ok<BackfillResult>, ValidationProblem, NotFound<ProblemDetails>, ProblemHttpResult>> BackfillSource(
        string source, BackfillRunner runner, TimeProvider time, [FromHeader(Name = QueueApi.ActorHeader)] string? actor, CancellationToken cancellationToken, string? since = null)
    {
        if (QueueApi.Actor(actor) is not { } who)
        {
            return QueueApi.ActorRequired();
        }

        var name = source.ToLowerInvariant();
        if (!BackfillRunner.Sources.Contains(name))
        {
            return TypedResults.NotFound(new ProblemDetails
            {
                Title = "Unknown source.",
                Detail = $"Gap recovery knows {string.Join(" and ", BackfillRunner.Sources)}.",
                Status = StatusCodes.Status404NotFound,
            });
        }

        DateTimeOffset? from = null;
        if (!string.IsNullOrEmpty(since))
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) || parsed > time.GetUtcNow())
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["since"] = ["since is an ISO 8601 time in the past, e.g. 2026-12-01T00:00:00Z."] });
            }

            from = parsed;
        }

        if (!runner.IsConfigured(name))
        {
            return NotConfigured(name);
        }

        try
        {
            return TypedResults.Ok(await runner.RunAsync(name, from, who, cancellationToken));
        }
        catch (BackfillProviderException ex)
        {
            return ProviderFailed(ex);
        }
    }

    public static async Task<Results<Ok<IReadOnlyList<BackfillResult>>, ValidationProblem, ProblemHttpResult>> BackfillAll(
        BackfillRunner runner, [FromHeader(Name = QueueApi.ActorHeader)] string? actor, CancellationToken cancellationToken)
    {
        if (QueueApi.Actor(actor) is not { } who)
        {
            return QueueApi.ActorRequired();
        }

        var results = new List<BackfillResult>();
        foreach (var source in BackfillRunner.Sources.Where(runner.IsConfigured))
        {
            try
            {
                results.Add(await runner.RunAsync(source, since: null, who, cancellationToken));
            }
            catch (BackfillProviderException ex)
            {
                return ProviderFailed(ex);
            }
        }

        return TypedResults.Ok<IReadOnlyList<BackfillResult>>(results);
    }

    private static ProblemHttpResult NotConfigured(string source) =>
        TypedResults.Problem(title: "Source not configured for gap recovery.",
            detail: source == "stripe" ? "STRIPE_SECRET_KEY is not set." : "GITHUB_TOKEN is not set, or Backfill:GitHub:Hooks names no hook.",
            statusCode: StatusCodes.Status409Conflict);

    private static ProblemHttpResult ProviderFailed(BackfillProviderException ex) =>
        TypedResults.Problem(title: "The provider could not be read.", detail: ex.Message, statusCode: StatusCodes.Status502BadGateway);
}
