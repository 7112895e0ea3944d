using Integrations.Worker.Backfill;
using Integrations.Worker.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Integrations.Services.Tests;

public sealed class BackfillSchedulerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TheScheduleBackfillsEveryConfiguredSourceAgainAfterAFailedRun()
    {
        var runs = new RecordingRuns(configured: ["stripe"], failFirst: true);
        using var scheduler = new BackfillScheduler(runs, Options.Create(new BackfillOptions { Interval = TimeSpan.FromMilliseconds(50) }), TimeProvider.System, NullLogger<BackfillScheduler>.Instance);

        await scheduler.StartAsync(CancellationToken.None);
        await runs.ReachedAsync(3).WaitAsync(Timeout);
        await scheduler.StopAsync(CancellationToken.None);

        Assert.All(runs.Calls, call => Assert.Equal(("stripe", (DateTimeOffset?)null, "worker"), call));
    }

    [Fact]
    public async Task AZeroIntervalTurnsTheScheduleOff()
    {
        var runs = new RecordingRuns(configured: ["stripe", "github"], failFirst: false);
        using var scheduler = new BackfillScheduler(runs, Options.Create(new BackfillOptions { Interval = TimeSpan.Zero }), TimeProvider.System, NullLogger<BackfillScheduler>.Instance);

        await scheduler.StartAsync(CancellationToken.None);
        await scheduler.ExecuteTask!.WaitAsync(Timeout);

        Assert.Empty(runs.Calls);
    }

    private sealed class RecordingRuns(IReadOnlyList<string> configured, bool failFirst) : IBackfillRuns
    {
        private readonly Lock _lock = new();
        private readonly List<(string, DateTimeOffset?, string)> _calls = [];
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

        public IReadOnlyList<(string Source, DateTimeOffset? Since, string Actor)> Calls
        {
            get
            {
                lock (_lock)
                {
                    return [.. _calls];
                }
            }
        }

        public bool IsConfigured(string source) => configured.Contains(source);

        public Task<BackfillResult> RunAsync(string source, DateTimeOffset? since, string actor, CancellationToken cancellationToken)
        {
            int count;
            lock (_lock)
            {
                _calls.Add((source, since, actor));
                count = _calls.Count;
                foreach (var waiter in _waiters.Where(w => count >= w.Count))
                {
                    waiter.Reached.TrySetResult();
                }
            }

            return failFirst && count == 1
                ? Task.FromException<BackfillResult>(new BackfillProviderException(source, "GET /v1/events answered 500 (api_error)."))
                : Task.FromResult(new BackfillResult(source, DateTimeOffset.UnixEpoch, 0, [], "stored"));
        }

        public Task ReachedAsync(int count)
        {
            lock (_lock)
            {
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_calls.Count >= count)
                {
                    reached.SetResult();
                }

                _waiters.Add((count, reached));
                return reached.Task;
            }
        }
    }
}
