using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Integrations.Stack.Bench;

/// <summary>
/// The whole stack as <c>./run.sh</c> starts it (the AppHost in Release, DCP and its proxies, the
/// dashboard ingesting every service's logs, traces and metrics), started in-process through the
/// testing builder: sandbox mode, Redis and PostgreSQL as local processes on a throwaway data
/// directory under /tmp (deleted on dispose), a random GitHub webhook secret. Only the settings listed
/// in <see cref="Overrides"/> differ from <c>./run.sh</c>.
/// </summary>
internal sealed class BenchStack : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(5);

    private readonly DirectoryInfo _data;
    private DistributedApplication? _app;

    private BenchStack(DirectoryInfo data, string gitHubWebhookSecret, IReadOnlyList<string> overrides)
    {
        _data = data;
        GitHubWebhookSecret = gitHubWebhookSecret;
        Overrides = overrides;
    }

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack has not started.");

    public string GitHubWebhookSecret { get; }

    /// <summary>What this benchmark sets that a plain run of the AppHost does not, as printed.</summary>
    public IReadOnlyList<string> Overrides { get; }

    public string DataDirectory => _data.FullName;

    /// <summary>
    /// Every long-running resource of the AppHost's model, whose memory and CPU are measured: the
    /// services, then Redis and PostgreSQL (see <see cref="LongRunning"/>).
    /// </summary>
    public IReadOnlyList<string> Resources { get; private set; } = [];

    /// <summary>The assembly name of every project in the model, the migrator included: how CPU usage tells a service's process.</summary>
    public IReadOnlyList<string> ServiceAssemblies { get; private set; } = [];

    /// <summary>Starts the AppHost and waits until every resource in <see cref="Resources"/> is healthy.</summary>
    public static async Task<BenchStack> StartAsync(int slackMessagesPerSecond, string? postgresSettings, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("integrations-stackbench-");
        // PostgreSQL runs as the postgres user when the bench runs as root; it must reach the directory.
        File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var budget = slackMessagesPerSecond.ToString(CultureInfo.InvariantCulture);
        // Nothing else is changed: the services log and export telemetry to the dashboard as under ./run.sh.
        var serviceEnvironment = new Dictionary<string, string>();
        // Experiments: STACK_BENCH_SERVICE_ENV="NAME=value;NAME=value" adds variables to every service.
        foreach (var pair in (Environment.GetEnvironmentVariable("STACK_BENCH_SERVICE_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, value) = pair.IndexOf('=', StringComparison.Ordinal) is > 0 and var at ? (pair[..at], pair[(at + 1)..]) : (pair, "");
            serviceEnvironment[name] = value;
        }

        // Experiments: STACK_BENCH_PG_SETTINGS="name=value name=value" adds PostgreSQL server settings.
        if (Environment.GetEnvironmentVariable("STACK_BENCH_PG_SETTINGS") is { Length: > 0 } extraSettings)
        {
            postgresSettings = postgresSettings is null ? extraSettings : $"{postgresSettings} {extraSettings}";
        }

        var gateEnvironment = new Dictionary<string, string>
        {
            // Every push summary goes to one channel; the real budget is about 1 message/s per channel.
            ["Gate__Budgets__slack__Limit"] = budget,
            ["Gate__Budgets__slack__Period"] = "00:00:01",
            ["Gate__Budgets__slack__Burst"] = budget,
        };
        var stack = new BenchStack(data, secret,
        [
            .. serviceEnvironment.Select(e => $"every service: {e.Key}={e.Value}"),
            .. gateEnvironment.Select(e => $"gate: {e.Key}={e.Value} (default: 1 message/s per channel, burst 3)"),
            .. postgresSettings is null ? Array.Empty<string>() : [$"PostgreSQL: {postgresSettings}"],
        ]);

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(s_startTimeout);
            // The dashboard runs, as under ./run.sh, and ingests every service's telemetry.
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
                [
                    "INTEGRATION_ENV=sandbox",
                    "Infra:Mode=local",
                    $"Infra:DataDirectory={data.FullName}",
                    $"GITHUB_WEBHOOK_SECRET={secret}",
                ],
                (options, _) => options.DisableDashboard = false,
                timeout.Token);
            stack.Resources = LongRunning(builder.Resources);
            stack.ServiceAssemblies = [.. builder.Resources.OfType<ProjectResource>().Select(p => Path.GetFileNameWithoutExtension(p.GetProjectMetadata().ProjectPath))];
            // Resource logs reach this console from Warning up; the health checks' failures while
            // PostgreSQL starts, and PostgreSQL's own log lines (it writes them to stderr), are noise.
            var postgres = builder.Resources.OfType<LocalPostgresServerResource>().Select(pg => $"AppHost.Resources.{pg.Name}").ToList();
            builder.Services.AddLogging(logging =>
            {
                logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
                postgres.ForEach(category => logging.AddFilter(category, LogLevel.None));
            });
            foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
            {
                var service = builder.CreateResourceBuilder(project);
                foreach (var (name, value) in project.Name == "gate" ? serviceEnvironment.Concat(gateEnvironment) : serviceEnvironment)
                {
                    service.WithEnvironment(name, value);
                }
            }

            foreach (var server in builder.Resources.OfType<LocalPostgresServerResource>().ToList())
            {
                if (postgresSettings is not null)
                {
                    builder.CreateResourceBuilder(server).WithEnvironment("PG_SETTINGS", postgresSettings);
                }
            }

            stack._app = await builder.BuildAsync(timeout.Token);
            await stack._app.StartAsync(timeout.Token);
            foreach (var resource in stack.Resources)
            {
                await stack._app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
            }

            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The resources that start with the app and keep running, in the model's order with the projects
    /// first: every project, executable and container, less those another resource waits on with
    /// <c>WaitForCompletion</c> (they run once and exit, as the migrator does), those that start only
    /// on request (<see cref="ExplicitStartupAnnotation"/>) and those that belong to another resource
    /// (Aspire's hidden project rebuilders). Parameters and databases have no process.
    /// </summary>
    private static string[] LongRunning(IResourceCollection model)
    {
        var runToCompletion = model
            .SelectMany(resource => resource.Annotations.OfType<WaitAnnotation>())
            .Where(wait => wait.WaitType == WaitType.WaitForCompletion)
            .Select(wait => wait.Resource.Name)
            .ToHashSet(StringComparer.Ordinal);
        var running = model
            .Where(resource => resource is ProjectResource or ExecutableResource or ContainerResource)
            .Where(resource => resource is not IResourceWithParent
                && !resource.Annotations.OfType<ExplicitStartupAnnotation>().Any()
                && !runToCompletion.Contains(resource.Name))
            .ToList();
        return [.. running.OfType<ProjectResource>().Concat(running.Where(resource => resource is not ProjectResource)).Select(resource => resource.Name)];
    }

    /// <summary>CPU seconds of every process on the machine now, grouped as <see cref="CpuUsage"/> groups them.</summary>
    public Dictionary<string, double> CpuSnapshot() => CpuUsage.Snapshot(ProcessIds(), ServiceAssemblies);

    public Uri Endpoint(string resource) => App.GetEndpoint(resource, "http");

    public async Task<string> ConnectionStringAsync(string database) =>
        await App.GetConnectionStringAsync(database) ?? throw new InvalidOperationException($"No connection string for {database}.");

    /// <summary>The process id Aspire reports for a resource (<c>executable.pid</c>); it changes if the resource restarts.</summary>
    public int ProcessId(string resource) =>
        TryProcessId(resource) ?? throw new InvalidOperationException($"Aspire reports no process id for {resource}.");

    /// <summary>The process ids Aspire reports for every resource in <see cref="Resources"/> that has one now.</summary>
    public IReadOnlyList<int> ProcessIds() => [.. Resources.Select(TryProcessId).OfType<int>()];

    private int? TryProcessId(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var state)
            && state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, CultureInfo.InvariantCulture)
            : null;

    /// <summary>The RSS of every resource's process tree, in <see cref="Resources"/> order.</summary>
    public IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> MeasureMemory() =>
        [.. Resources.Select(resource => (resource, ProcessTree.Measure(ProcessId(resource))))];

    /// <summary>Stops the stack, reports (and ends) any of its processes still alive, and deletes the data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            // A resource that never started (a failed start) has no process to wait for.
            var processes = Resources.Select(TryProcessId).OfType<int>().SelectMany(ProcessTree.Members).ToList();
            await _app.DisposeAsync();
            var leftovers = await ProcessTree.WaitForExitAsync(processes, TimeSpan.FromSeconds(15));
            Console.WriteLine(leftovers.Count == 0
                ? "Stack stopped: no process of it is left."
                : $"Stack stopped, but these processes outlived it and were killed: {string.Join(", ", leftovers)}");
        }

        try
        {
            _data.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not delete {_data.FullName}: {ex.Message}");
        }
    }
}
