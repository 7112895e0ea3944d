using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Integrations.Testing;

/// <summary>
/// Starts the real AppHost on a throwaway data directory that outlives one start, so a test can
/// stop, kill or restart parts of a stack of its own, or start the stack again on the same data.
/// The directory is deleted on dispose.
/// <para>
/// A start holds the <see cref="StackStartLock"/>, shared by every test process of the suite: a
/// stack's start (eight <c>dotnet run</c>s, initdb, JIT) takes a whole core for tens of seconds, and
/// starts that overlap on a two-core machine starve each other past any time limit. The time limit
/// counts from when the lock is held. Every resource's console log is kept from the build on, so a
/// start that fails says which resource was not healthy, why, and what it printed.
/// </para>
/// </summary>
public sealed class ThrowawayStack : IDisposable
{
    private const int LogLinesShown = 40;
    private const int LogLinesShownWhenHealthy = 8;

    private readonly DirectoryInfo _data;

    public ThrowawayStack(string name)
    {
        _data = Directory.CreateTempSubdirectory($"integrations-{name}-");
        if (!OperatingSystem.IsWindows())
        {
            // PostgreSQL runs as the postgres user when tests run as root; it must reach the directory.
            File.SetUnixFileMode(_data.FullName, (UnixFileMode)0b111_101_101);
        }
    }

    public string DataDirectory => _data.FullName;

    /// <summary>Every console line of every resource of the latest start, by resource name.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> Logs { get; private set; } = new();

    /// <summary>
    /// Starts the AppHost with <paramref name="args"/> and waits until every service of its model is healthy
    /// (<see cref="StackServices"/>), those <paramref name="configure"/> adds among them.
    /// </summary>
    public Task<DistributedApplication> StartAsync(IEnumerable<string> args, Action<IDistributedApplicationTestingBuilder>? configure) =>
        StartCoreAsync(args, configure, healthy: null);

    /// <summary>Starts the AppHost with <paramref name="args"/> and waits until each of <paramref name="healthy"/> is healthy.</summary>
    public Task<DistributedApplication> StartAsync(
        IEnumerable<string> args, Action<IDistributedApplicationTestingBuilder>? configure, params string[] healthy) =>
        StartCoreAsync(args, configure, healthy);

    private async Task<DistributedApplication> StartCoreAsync(
        IEnumerable<string> args, Action<IDistributedApplicationTestingBuilder>? configure, IReadOnlyList<string>? healthy)
    {
        using var held = await StackStartLock.AcquireAsync();
        using var cts = new CancellationTokenSource(StackFixture.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"Infra:DataDirectory={DataDirectory}", .. args], cts.Token);
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            // No dashboard runs under the testing builder. Without this every service would export to
            // the launch profile's dashboard address, where nobody listens, and each process's exit
            // (the migrator's, which every service waits for) would wait out the exporter's 10 s timeout.
            builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", "");
        }

        configure?.Invoke(builder);
        healthy ??= StackServices.Of(builder.Resources);
        // The testing builder forwards each resource's console to a logger named "<AppHost>.Resources.<resource>".
        var logs = new ConcurrentDictionary<string, ConcurrentQueue<string>>();
        Logs = logs;
        builder.Services.AddSingleton<ILoggerProvider>(new ResourceLogCapture(logs));

        DistributedApplication? app = null;
        try
        {
            app = await builder.BuildAsync(cts.Token).WaitAsync(StackFixture.StartTimeout, cts.Token);
            await app.StartAsync(cts.Token).WaitAsync(StackFixture.StartTimeout, cts.Token);
            foreach (var resource in healthy)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token).WaitAsync(StackFixture.StartTimeout, cts.Token);
            }

            return app;
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException || app is not null)
        {
            var report = app is null ? "The app was not built." : Describe(app, healthy);
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            throw new StackStartException(
                $"The stack did not become healthy within {StackFixture.StartTimeout.TotalSeconds:F0} s ({ex.GetType().Name}: {ex.Message}).{Environment.NewLine}{report}", ex);
        }
    }

    /// <summary>
    /// Each resource's state and health, then its last console lines: many for a resource that is not
    /// healthy, a few for the others (a one-shot such as the migrator is "healthy" while it still runs).
    /// </summary>
    private string Describe(DistributedApplication app, IReadOnlyCollection<string> healthy)
    {
        var text = new StringBuilder();
        var notHealthy = new HashSet<string>();
        var resources = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Where(r => r is not ParameterResource).ToList();
        foreach (var resource in resources)
        {
            if (!app.ResourceNotifications.TryGetCurrentState(resource.Name, out var current))
            {
                text.AppendLine($"  {resource.Name}: no state reported");
                notHealthy.Add(resource.Name);
                continue;
            }

            var snapshot = current.Snapshot;
            if (snapshot.IsHidden)
            {
                continue;
            }

            var wanted = healthy.Contains(resource.Name) ? " (waited for)" : "";
            text.Append($"  {resource.Name}{wanted}: state {snapshot.State?.Text ?? "unknown"}, health {snapshot.HealthStatus?.ToString() ?? "none"}");
            if (snapshot.ExitCode is { } exitCode)
            {
                text.Append($", exit code {exitCode}");
            }

            text.AppendLine();
            foreach (var report in snapshot.HealthReports.Where(r => r.Status != HealthStatus.Healthy))
            {
                text.AppendLine($"    health check {report.Name}: {report.Status?.ToString() ?? "not run yet"} {report.Description} {FirstLine(report.ExceptionText)}");
            }

            if (snapshot.HealthStatus != HealthStatus.Healthy)
            {
                notHealthy.Add(resource.Name);
            }
        }

        foreach (var resource in resources)
        {
            var lines = Logs.TryGetValue(resource.Name, out var queue) ? queue.ToArray() : [];
            var shown = Math.Min(lines.Length, notHealthy.Contains(resource.Name) ? LogLinesShown : LogLinesShownWhenHealthy);
            if (shown == 0)
            {
                continue;
            }

            text.AppendLine($"  --- {resource.Name}: last {shown} of {lines.Length} console lines");
            foreach (var line in lines.TakeLast(shown))
            {
                text.AppendLine($"    {line}");
            }
        }

        return text.ToString();
    }

    private static string FirstLine(string? text) =>
        text is null ? "" : text.Split('\n', 2)[0].Trim();

    public void Dispose()
    {
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived the app may still hold a file; the OS cleans temp later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>A stack that did not become healthy; the message names each resource's state, health and last log lines.</summary>
public sealed class StackStartException(string message, Exception inner) : Exception(message, inner);
