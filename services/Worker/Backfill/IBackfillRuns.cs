using Integrations.Worker.Client;

namespace Integrations.Worker.Backfill;

/// <summary>What the schedule needs of gap recovery (<see cref="BackfillRunner"/>): which sources are configured, and a run of one.</summary>
public interface IBackfillRuns
{
    bool IsConfigured(string source);

    Task<BackfillResult> RunAsync(string source, DateTimeOffset? since, string actor, CancellationToken cancellationToken);
}
