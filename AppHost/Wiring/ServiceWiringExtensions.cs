using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Integrations.AppHost;

public static class ServiceWiringExtensions
{
    /// <summary>
    /// Gives a service its own key for the audit API: the service sends it as <c>Audit__ApiKey</c>, and the audit
    /// service knows it as <c>Audit__Callers__&lt;service name&gt;</c>, so every row the service writes records it as
    /// the caller, whatever actor the row claims.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAuditKey(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<ProjectResource> audit, IResourceBuilder<ParameterResource> key)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(audit);
        audit.WithEnvironment($"Audit__Callers__{service.Resource.Name}", key);
        return service.WithReference(audit).WithEnvironment("Audit__ApiKey", key);
    }

    /// <summary>Passes the named secrets that are set to a service, as environment variables of the same names.</summary>
    public static IResourceBuilder<ProjectResource> WithSecrets(
        this IResourceBuilder<ProjectResource> service, IntegrationSettings settings, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var name in names.Where(settings.Has))
        {
            service.WithEnvironment(name, settings.Secret(name));
        }

        return service.WithEnvironment(IntegrationSettings.EnvironmentVariable, settings.Environment);
    }

    /// <summary>
    /// Gives the receiver the webhook sources declared in configuration (<see cref="WebhookSource"/>) as
    /// <c>Receiver:Sources:&lt;name&gt;</c>: scheme, signing secret and body limit. A built-in source's secret
    /// comes from its own variable (<see cref="WithSecrets"/>), so for it only a body limit is passed.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithWebhookSources(this IResourceBuilder<ProjectResource> receiver, IntegrationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var source in settings.Sources)
        {
            var key = $"Receiver__Sources__{source.Name}__";
            if (!source.IsBuiltIn)
            {
                receiver.WithEnvironment(key + "Scheme", source.Scheme).WithEnvironment(key + "Secrets__0", settings.Secret(source.SecretVariable));
            }

            if (source.MaxBodyBytes is { } limit)
            {
                receiver.WithEnvironment(key + "MaxBodyBytes", limit.ToString(CultureInfo.InvariantCulture));
            }
        }

        return receiver;
    }

    /// <summary>Lets the sandbox send signed webhooks as each declared Standard Webhooks source (<c>Sandbox:StandardSources</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithWebhookSenders(this IResourceBuilder<ProjectResource> sandbox, IntegrationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var source in settings.Sources.Where(s => s.Scheme == "standard"))
        {
            sandbox.WithEnvironment($"Sandbox__StandardSources__{source.Name}", settings.Secret(source.SecretVariable));
        }

        return sandbox;
    }

    /// <summary>
    /// Points a service's provider clients at the sandbox. In live mode nothing is set and the
    /// services use the providers' real base URLs, their defaults.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithProviders(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<ProjectResource>? sandbox)
    {
        if (sandbox is null)
        {
            return service;
        }

        var endpoint = sandbox.GetEndpoint("http");
        return service
            .WithEnvironment("Providers__Slack__BaseUrl", ReferenceExpression.Create($"{endpoint}/slack/api/"))
            .WithEnvironment("Providers__Slack__WebhookBaseUrl", ReferenceExpression.Create($"{endpoint}/"))
            .WithEnvironment("Providers__GitHub__BaseUrl", ReferenceExpression.Create($"{endpoint}/github/"))
            .WithEnvironment("Providers__Stripe__BaseUrl", ReferenceExpression.Create($"{endpoint}/stripe"))
            .WithEnvironment("Providers__Google__BaseUrl", ReferenceExpression.Create($"{endpoint}/google/"))
            .WithReference(sandbox)
            .WaitFor(sandbox);
    }

    /// <summary>
    /// Every service listens on its endpoint's port itself, with no DCP proxy in front. A proxy copies
    /// every byte of every call through one more process and TCP connection: under load that was about
    /// a tenth of the stack's CPU and a hop on each of the worker's calls. Proxies are for replicas, so a
    /// replicated service keeps its proxy (the local stores have none either, see InfrastructureExtensions).
    /// The ports stay the launch profiles' (5180 to 5185, the CLI's defaults) unless ports are randomized
    /// (<c>DcpPublisher:RandomizePorts</c>, which the testing builder sets so that stacks can run side by
    /// side): then each service gets a free port chosen at start (<see cref="LoopbackPorts"/>), kept if the
    /// service restarts. Call it after the last project is added.
    /// </summary>
    public static IDistributedApplicationBuilder WithDirectEndpoints(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var randomizePorts = builder.Configuration.GetValue<bool>("DcpPublisher:RandomizePorts");
        // Decided just before start, so that replicas added after this call (the resilience proofs run two
        // receivers and two workers) are seen: a replicated service keeps its proxy, which spreads calls over them.
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            foreach (var project in @event.Model.Resources.OfType<ProjectResource>())
            {
                if (project.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) && replicas.Replicas > 1)
                {
                    continue;
                }

                project.Annotations.Add(new ProxySupportAnnotation { ProxyEnabled = false });
                if (randomizePorts)
                {
                    // A port of our choosing, not none: a service that is restarted comes back on the same one.
                    foreach (var endpoint in project.Annotations.OfType<EndpointAnnotation>())
                    {
                        endpoint.Port = LoopbackPorts.Free();
                    }
                }
            }

            return Task.CompletedTask;
        });

        return builder;
    }

    /// <summary>The metric export interval when <c>TELEMETRY_METRIC_EXPORT_SECONDS</c> is not set.</summary>
    public const int DefaultMetricExportSeconds = 10;

    /// <summary>In run mode, the traces each service keeps every second, where it starts them, when <c>TELEMETRY_TRACES_PER_SECOND</c> is not set.</summary>
    public const double DefaultTracesPerSecond = 10;

    /// <summary>In run mode, the share of traces kept beyond those, when <c>TELEMETRY_TRACE_SAMPLE_RATIO</c> is not set.</summary>
    public const double DefaultTraceSampleRatio = 0.01;

    /// <summary>
    /// Telemetry settings every service gets; call it after the last project is added.
    /// <list type="bullet">
    /// <item>Traces: where a service starts a trace (the receiver for a webhook, any service for an
    /// API request), it keeps the first <c>TELEMETRY_TRACES_PER_SECOND</c> of each second and
    /// <c>TELEMETRY_TRACE_SAMPLE_RATIO</c> of the rest; every later span and service follows that
    /// decision, so a delivery's trace is kept or dropped whole. Failed spans are exported whatever
    /// the settings. In run mode the defaults are 10 a second and one in a hundred: a developer's
    /// requests are all traced, and under load the dashboard stores a bounded share. It stores each
    /// span in SQLite: at every trace that took a fifth of the machine and more under load, and its
    /// trace limit (10,000) held only the last seconds (docs/decisions/trace-sampling-in-run-mode.md).
    /// Set the ratio to 1 for every trace. A deployment gets only what is set, and the services' own
    /// default is every trace. The ranges are <see cref="TraceSamplingSettings"/>'s.</item>
    /// <item>Metrics are exported every <c>TELEMETRY_METRIC_EXPORT_SECONDS</c> (1 to 300, default 10).
    /// Aspire asks for every second, so the dashboard's graphs move live; with seven services each
    /// exporting its runtime, HTTP and own instruments, that was most of what the stack costs at rest
    /// (docs/decisions/metric-export-interval.md). A graph that moves every 10 s is the trade. Run mode only: a
    /// deployment keeps its telemetry backend's own interval.</item>
    /// </list>
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting is not in its range; the message names it and what it takes.</exception>
    public static IDistributedApplicationBuilder WithTelemetrySettings(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var ratio = TraceSampleRatio(builder.Configuration["TELEMETRY_TRACE_SAMPLE_RATIO"]);
        var perSecond = TracesPerSecond(builder.Configuration["TELEMETRY_TRACES_PER_SECOND"]);
        var metricSeconds = MetricExportSeconds(builder.Configuration["TELEMETRY_METRIC_EXPORT_SECONDS"]);
        var metricInterval = (metricSeconds * 1000).ToString(CultureInfo.InvariantCulture);

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // After Aspire's own OTLP settings (added with the project), so these win.
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                var runMode = context.ExecutionContext.IsRunMode;
                if (runMode)
                {
                    context.EnvironmentVariables["OTEL_METRIC_EXPORT_INTERVAL"] = metricInterval;
                }

                if ((ratio ?? (runMode ? DefaultTraceSampleRatio : null)) is { } traceRatio)
                {
                    context.EnvironmentVariables["Telemetry__TraceSampleRatio"] = traceRatio.ToString(CultureInfo.InvariantCulture);
                }

                if ((perSecond ?? (runMode ? DefaultTracesPerSecond : null)) is { } tracesPerSecond)
                {
                    context.EnvironmentVariables["Telemetry__TracesPerSecond"] = tracesPerSecond.ToString(CultureInfo.InvariantCulture);
                }
            }));
        }

        return builder;
    }

    /// <summary>
    /// In run mode every service starts with dynamic PGO off (<c>DOTNET_TieredPGO=0</c>): a hot method
    /// goes from tier 0 straight to optimised code, without the instrumented tier and its probes. A
    /// stack started by <c>./run.sh</c> spends its first minute compiling; without that tier it
    /// processed about a third more deliveries in that minute, and no fewer once warm
    /// (docs/decisions/no-dynamic-pgo-in-run-mode.md). A deployment keeps .NET's default.
    /// Call it after the last project is added.
    /// </summary>
    public static IDistributedApplicationBuilder WithQuickWarmUp(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                if (context.ExecutionContext.IsRunMode)
                {
                    context.EnvironmentVariables["DOTNET_TieredPGO"] = "0";
                }
            }));
        }

        return builder;
    }

    /// <summary>The ratio <c>TELEMETRY_TRACE_SAMPLE_RATIO</c> sets: null when unset or empty.</summary>
    /// <exception cref="InvalidOperationException">It is not a number from 0 to 1.</exception>
    public static double? TraceSampleRatio(string? value) => TraceSamplingSettings.Ratio(value, "TELEMETRY_TRACE_SAMPLE_RATIO");

    /// <summary>The traces per second <c>TELEMETRY_TRACES_PER_SECOND</c> sets: null when unset or empty.</summary>
    /// <exception cref="InvalidOperationException">It is not a number from 0 to 100,000.</exception>
    public static double? TracesPerSecond(string? value) => TraceSamplingSettings.PerSecond(value, "TELEMETRY_TRACES_PER_SECOND");

    /// <summary>The metric export interval <c>TELEMETRY_METRIC_EXPORT_SECONDS</c> sets: unset or empty is the default.</summary>
    /// <exception cref="InvalidOperationException">It is not a whole number of seconds from 1 to 300.</exception>
    public static int MetricExportSeconds(string? value) =>
        string.IsNullOrEmpty(value) ? DefaultMetricExportSeconds
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 300 ? seconds
        : throw new InvalidOperationException("TELEMETRY_METRIC_EXPORT_SECONDS must be a whole number of seconds from 1 to 300.");

    /// <summary>
    /// In sandbox mode, what a queued support triage run may touch (<c>Triage:Allowed*</c>): the help
    /// desk's Google account, the sandbox's two support exports and the repository its tickets go to.
    /// In live mode nothing is set: the lists are empty, and no queued run goes ahead until an operator
    /// configures them.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSandboxTriage(
        this IResourceBuilder<ProjectResource> worker, IResourceBuilder<ProjectResource>? sandbox)
    {
        if (sandbox is null)
        {
            return worker;
        }

        return worker
            .WithEnvironment("Triage__AllowedConnections__0", SandboxHelpDeskAccount)
            .WithEnvironment("Triage__AllowedFiles__0", "1SupportHelpDeskSandbox2026")
            .WithEnvironment("Triage__AllowedFiles__1", "1SupportExportSandbox2026")
            .WithEnvironment("Triage__AllowedRepositories__0", "acme/support-queued");
    }

    /// <summary>
    /// Gap recovery's settings (<c>Backfill:*</c>, from the AppHost's configuration or <c>.env</c> as
    /// <c>Backfill__Interval</c>, <c>Backfill__GitHub__Hooks__0</c>, …) passed on to the worker. In sandbox
    /// mode, with no hook configured, the sandbox's one repository hook is watched
    /// (<c>services/Sandbox/Webhooks/GitHubHookDeliveries.cs</c>); in live mode, with none, GitHub is not backfilled.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBackfill(
        this IResourceBuilder<ProjectResource> worker, IConfiguration configuration, IResourceBuilder<ProjectResource>? sandbox)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Backfill");
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true).Where(pair => pair.Value is not null))
        {
            worker.WithEnvironment($"Backfill__{key.Replace(":", "__", StringComparison.Ordinal)}", value);
        }

        return sandbox is not null && !section.GetSection("GitHub:Hooks").GetChildren().Any()
            ? worker.WithEnvironment("Backfill__GitHub__Hooks__0", SandboxGitHubHook)
            : worker;
    }

    /// <summary>The sandbox's GitHub repository webhook, as <c>owner/repo:hookId</c>.</summary>
    public const string SandboxGitHubHook = "acme/sandbox:100000001";

    /// <summary>The Google account the sandbox's help desk connects with; the only one its queued triage runs may read with.</summary>
    public const string SandboxHelpDeskAccount = "helpdesk@example.com";
}
