using System.Diagnostics;
using System.Globalization;

namespace Integrations.Resilience.Tests;

/// <summary>
/// Breaks a running stack on a schedule: SIGKILLs one process of a service (its whole process
/// tree, no chance to clean up) and starts it again, or stops and restarts Redis or PostgreSQL
/// through their resource commands. Each fault is logged with how long the part took to come back.
/// </summary>
/// <param name="replicas">The replica count of each replicated resource (<c>WithReplicas</c>); any other has one instance.</param>
public sealed class FaultInjector(DistributedApplication app, ITestOutputHelper output, IReadOnlyDictionary<string, int> replicas)
{
    private static readonly string[] s_downStates = ["Exited", "Finished", "FailedToStart"];
    private readonly List<(TimeSpan At, string Fault, TimeSpan Recovery)> _log = [];
    private readonly long _started = TimeProvider.System.GetTimestamp();
    private readonly Dictionary<string, string[]> _instances = [];

    public IReadOnlyList<(TimeSpan At, string Fault, TimeSpan Recovery)> Log => _log;

    /// <summary>Kills whose exit the orchestrator did not notice within 15 s, so the instance was stopped through Aspire before its restart.</summary>
    public int MissedExits { get; private set; }

    /// <summary>The faults in the order they are injected, repeated until the load ends.</summary>
    public static IReadOnlyList<string> Cycle { get; } =
        ["kill receiver#0", "kill worker#0", "kill broker", "restart redis", "kill receiver#1", "kill worker#1", "restart postgres"];

    /// <summary>
    /// Injects the next fault of <see cref="Cycle"/> every <paramref name="every"/> until <paramref name="stop"/>
    /// is cancelled. A fault under way is always finished: nothing is left stopped.
    /// </summary>
    public async Task RunAsync(TimeSpan every, CancellationToken stop)
    {
        for (var step = 0; ; step++)
        {
            try
            {
                await Task.Delay(every, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await InjectAsync(Cycle[step % Cycle.Count], CancellationToken.None);
        }
    }

    public async Task InjectAsync(string fault, CancellationToken cancellationToken)
    {
        var at = TimeProvider.System.GetElapsedTime(_started);
        var started = TimeProvider.System.GetTimestamp();
        var parts = fault.Split(' ');
        if (parts[0] == "kill")
        {
            var name = parts[1].Split('#');
            await KillAndStartAsync(name[0], name.Length > 1 ? int.Parse(name[1], CultureInfo.InvariantCulture) : 0, cancellationToken);
        }
        else
        {
            await RestartAsync(parts[1] == "redis" ? "cache" : "pg", cancellationToken);
        }

        var recovery = TimeProvider.System.GetElapsedTime(started);
        _log.Add((at, fault, recovery));
        output.WriteLine($"[{at:mm\\:ss}] {fault}: back in {recovery.TotalSeconds:F1} s");
    }

    /// <summary>SIGKILL one replica's process tree, wait until Aspire sees it gone, start it again and wait until it is healthy.</summary>
    private async Task KillAndStartAsync(string resource, int replica, CancellationToken cancellationToken)
    {
        var instances = await InstancesAsync(resource);
        var instance = instances[replica % instances.Length];
        Assert.True(app.ResourceNotifications.TryGetCurrentState(instance, out var state), $"no state for {instance}");
        var killed = TimeProvider.System.GetTimestamp();
        var pid = Convert.ToInt32(state!.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, CultureInfo.InvariantCulture);
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }

        if (!await WaitDownAsync(resource, instance, cancellationToken))
        {
            // The orchestrator sometimes misses the death of a killed process and keeps showing it
            // Running; stopping it through Aspire settles the state (the process is already gone).
            MissedExits++;
            await app.ResourceCommands.ExecuteCommandAsync(instance, KnownResourceCommands.StopCommand, cancellationToken);
            if (!await WaitDownAsync(resource, instance, cancellationToken))
            {
                app.ResourceNotifications.TryGetCurrentState(instance, out var now);
                Assert.Fail($"{instance} (pid {pid}) was killed and stopped but is still '{now?.Snapshot.State?.Text}'");
            }
        }

        // Where a slow recovery spent its time: seeing the death, starting, or becoming healthy.
        var down = TimeProvider.System.GetTimestamp();
        var started = await app.ResourceCommands.ExecuteCommandAsync(instance, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(started.Success, $"start {instance}: {started.Message}");
        await app.ResourceNotifications.WaitForResourceAsync(resource, e => e.ResourceId == instance && e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
        var running = TimeProvider.System.GetTimestamp();
        await WaitHealthyAsync(resource, instance, cancellationToken);
        output.WriteLine($"  {instance}: seen down in {Seconds(killed, down)}, running in {Seconds(down, running)}, healthy in {Seconds(running, TimeProvider.System.GetTimestamp())}");
    }

    private static string Seconds(long from, long to) =>
        $"{TimeProvider.System.GetElapsedTime(from, to).TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s";

    private async Task<bool> WaitDownAsync(string resource, string instance, CancellationToken cancellationToken)
    {
        try
        {
            await app.ResourceNotifications.WaitForResourceAsync(resource, e => e.ResourceId == instance && s_downStates.Contains(e.Snapshot.State?.Text), cancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task RestartAsync(string resource, CancellationToken cancellationToken)
    {
        var stopped = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
        Assert.True(stopped.Success, $"stop {resource}: {stopped.Message}");
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var started = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(started.Success, $"start {resource}: {started.Message}");
        await WaitHealthyAsync(resource, (await InstancesAsync(resource)).Single(), cancellationToken);
    }

    private async Task<string[]> InstancesAsync(string resource)
    {
        if (!_instances.TryGetValue(resource, out var instances))
        {
            instances = _instances[resource] = await InstancesAsync(resource, replicas.GetValueOrDefault(resource, 1));
        }

        return instances;
    }

    /// <summary>Waits until every instance of every replicated resource is healthy.</summary>
    public async Task WaitForEveryReplicaAsync(CancellationToken cancellationToken)
    {
        foreach (var resource in replicas.Keys)
        {
            foreach (var instance in await InstancesAsync(resource))
            {
                await WaitHealthyAsync(resource, instance, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The ids of a resource's <paramref name="count"/> instances (one per replica), from the
    /// notification stream, which starts with every instance's current state. An instance keeps its
    /// id when it is started again.
    /// </summary>
    private async Task<string[]> InstancesAsync(string resource, int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var update in app.ResourceNotifications.WatchAsync(cts.Token))
        {
            if (update.Resource.Name == resource && ids.Add(update.ResourceId) && ids.Count == count)
            {
                break;
            }
        }

        Assert.True(ids.Count == count, $"{resource} has {ids.Count} instances, not {count}");
        return [.. ids];
    }

    private async Task WaitHealthyAsync(string resource, string instance, CancellationToken cancellationToken) =>
        await app.ResourceNotifications.WaitForResourceAsync(resource,
                e => e.ResourceId == instance && e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
                cancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
}
