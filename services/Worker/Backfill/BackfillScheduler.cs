using Integrations.Worker.Connectors;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Backfill;

/// <summary>
/// Backfills every configured source at start and then every <see cref="BackfillOptions.Interval"/> (off
/// when zero), as actor <c>worker</c>. A failed run is logged and audited by the runner and tried again at
/// the next tick; it never stops the worker.
/// </summary>
public sealed class BackfillScheduler(IBackfillRuns runner, IOptions<BackfillOptions> options, TimeProvider time, ILogger<BackfillScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        do
        {
            foreach (var source in BackfillRunner.Sources.Where(runner.IsConfigured))
            {
                try
                {
                    await runner.RunAsync(source, since: null, WriteAudit.Actor, stoppingToken);
                }
                catch (Exception ex) when (ex is BackfillProviderException or Npgsql.NpgsqlException or TimeoutException)
                {
                    WorkerLog.BackfillFailed(logger, source, ex);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
