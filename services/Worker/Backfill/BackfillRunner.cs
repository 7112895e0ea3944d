using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Integrations.Audit.Client;
using Integrations.Worker.Client;
using Integrations.Worker.Connectors;
using Integrations.Worker.GitHub;
using Integrations.Worker.Queue;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Backfill;

/// <summary>
/// Runs gap recovery for one source, on the schedule (<see cref="BackfillScheduler"/>) or on demand
/// (<c>POST api/backfill/{source}</c>). A run looks back to the time it is given, else to where this
/// process's last run of the source reached (less <see cref="BackfillOptions.MinimumAge"/>, which that run
/// left for later, and a minute of overlap), else <see cref="BackfillOptions.Lookback"/>. Runs of one source
/// never overlap in a process; across replicas they may, and the deliveries' dedup keeps each delivery
/// once. Each run is audited (<c>Backfill</c>: the window, how many the provider reported, which were
/// recovered), as it succeeds or fails; a failure names the provider call and status, never a key.
/// </summary>
public sealed class BackfillRunner(
    StripeBackfill stripe, GitHubBackfill github, WriteAudit audit,
    IOptions<BackfillOptions> options, TimeProvider time, ILogger<BackfillRunner> logger) : IBackfillRuns
{
    public static IReadOnlyList<string> Sources { get; } = [StripeBackfill.Source, GitHubBackfill.Source];

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _reached = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BackfillRunState> _lastRuns = new(StringComparer.Ordinal);

    /// <summary>Each source's last run in this process, for <see cref="BackfillHealthCheck"/>.</summary>
    public IReadOnlyDictionary<string, BackfillRunState> LastRuns => _lastRuns;

    /// <summary>Whether <paramref name="source"/> has what a run needs: Stripe its secret key, GitHub its token and at least one hook.</summary>
    public bool IsConfigured(string source) => source switch
    {
        StripeBackfill.Source => stripe.IsConfigured,
        GitHubBackfill.Source => github.IsConfigured,
        _ => false,
    };

    public async Task<BackfillResult> RunAsync(string source, DateTimeOffset? since, string actor, CancellationToken cancellationToken)
    {
        if (!Sources.Contains(source))
        {
            throw new ArgumentOutOfRangeException(nameof(source), source, "Gap recovery knows stripe and github.");
        }

        var started = time.GetUtcNow();
        var from = since
            ?? (_reached.TryGetValue(source, out var reached) ? reached - options.Value.MinimumAge - TimeSpan.FromMinutes(1) : started - options.Value.Lookback);
        using var activity = DeliveryProcessor.ActivitySource.StartActivity($"backfill {source}");
        activity?.SetTag("backfill.source", source);
        activity?.SetTag("backfill.since", from.ToString("O"));

        var running = _running.GetOrAdd(source, _ => new SemaphoreSlim(1, 1));
        await running.WaitAsync(cancellationToken);
        try
        {
            BackfillResult result;
            try
            {
                result = await RunSourceAsync(source, from, actor, cancellationToken);
            }
            catch (BackfillProviderException ex)
            {
                activity?.AddException(ex);
                _lastRuns[source] = new BackfillRunState(time.GetUtcNow(), 0, 0, ex.Message);
                await AuditRunAsync(actor, source, from, AuditStatus.Failed, new() { ["error"] = ex.Message }, cancellationToken);
                throw;
            }

            // The next run on its own carries on from here, if this one reached back to where the last one ended.
            if (_reached.TryGetValue(source, out var previous) ? from <= previous : since is null)
            {
                _reached[source] = started;
            }

            _lastRuns[source] = new BackfillRunState(time.GetUtcNow(), result.Found, result.Recovered.Count, null);
            activity?.SetTag("backfill.found", result.Found);
            activity?.SetTag("backfill.recovered", result.Recovered.Count);
            WorkerLog.Backfilled(logger, source, from, result.Found, result.Recovered.Count);
            await AuditRunAsync(actor, source, from, AuditStatus.Succeeded,
                new() { ["found"] = result.Found, ["recovered"] = result.Recovered.Count, ["method"] = result.Method }, cancellationToken);
            return result;
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<BackfillResult> RunSourceAsync(string source, DateTimeOffset from, string actor, CancellationToken cancellationToken)
    {
        try
        {
            return source == StripeBackfill.Source
                ? await stripe.RunAsync(from, actor, cancellationToken)
                : await github.RunAsync(from, actor, cancellationToken);
        }
        catch (Exception ex) when (ex is GitHubApiException or RecoverySearchStoppedException)
        {
            throw new BackfillProviderException(source, ex.Message, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException)
        {
            throw new BackfillProviderException(source, $"the provider could not be reached, or its answer could not be read ({ex.GetType().Name}).", ex);
        }
    }

    private Task AuditRunAsync(string actor, string source, DateTimeOffset since, string status, Dictionary<string, object?> details, CancellationToken cancellationToken)
    {
        details["since"] = since;
        return audit.RunAsync(new AuditEntry(actor, source, BackfillQueries.RunAction, $"backfill/{source}", null, status,
            Details: JsonSerializer.SerializeToElement(details), TraceId: Activity.Current?.TraceId.ToHexString()), cancellationToken);
    }
}
