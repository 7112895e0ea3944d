using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Integrations.Worker.Backfill;

/// <summary>
/// Gap recovery's state on <c>/health</c>: each source's last run in this process (when, what it found and
/// recovered, or why it failed). Degraded while a source's last run failed, since deliveries that source
/// lost are not being recovered; the worker still serves (a degraded check answers 200).
/// </summary>
public sealed class BackfillHealthCheck(BackfillRunner runner) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var runs = runner.LastRuns;
        var data = runs.ToDictionary(pair => pair.Key, pair => (object)(pair.Value.Error is { } error
            ? $"failed at {pair.Value.At.ToString("O", CultureInfo.InvariantCulture)}: {error}"
            : $"succeeded at {pair.Value.At.ToString("O", CultureInfo.InvariantCulture)}: {pair.Value.Found} found, {pair.Value.Recovered} recovered"));
        var failed = runs.Where(pair => pair.Value.Error is not null).Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(failed.Count == 0
            ? HealthCheckResult.Healthy("Gap recovery's last runs succeeded, or none has run yet.", data)
            : HealthCheckResult.Degraded($"The last gap recovery run failed for {string.Join(", ", failed)}.", data: data));
    }
}
