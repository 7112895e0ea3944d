using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

// Adds the common Aspire services: service discovery, resilience, health checks and OpenTelemetry.
// Every Integrations service calls AddServiceDefaults() first and MapDefaultEndpoints() after Build().
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>The prefix shared by every ActivitySource and Meter the Integrations services create.</summary>
    public const string TelemetryPrefix = "Integrations.";

    /// <summary>Framework log categories that write a line per request, call or command; warnings and errors only.</summary>
    public static readonly IReadOnlyList<string> PerCallLogCategories =
        ["Microsoft.AspNetCore", "System.Net.Http.HttpClient", "Polly", "Npgsql.Command", "Npgsql.Connection", "Npgsql.Copy"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.AddErrorResponses();

        return builder;
    }

    /// <summary>
    /// Errors answer as problem details in every environment, never as the developer exception page:
    /// <c>./run.sh</c> runs the services as Development, where that page would show any anonymous
    /// caller the exception's type, message and stack. An unhandled exception is a 500
    /// <c>application/problem+json</c> with a title and the trace id only (the exception is logged,
    /// as before); a request that cannot be bound (a malformed query value, a body that is not the
    /// JSON asked for) is the exception's own status (400, 413) as problem details, not logged as an
    /// error. <see cref="MapDefaultEndpoints"/> puts the handler in the pipeline.
    /// </summary>
    public static TBuilder AddErrorResponses<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddProblemDetails();

        // Development's default (throw on a bad request, for the developer page to show) in every
        // environment, so a bad request answers the same problem document everywhere.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<ExceptionHandlerOptions>(options =>
        {
            options.StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            // A caller's malformed request is not the service's error.
            options.SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException;
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Per-request lines from the framework (ASP.NET Core's request start/finish and routing,
        // HttpClient's four lines per call, Polly's "Execution attempt" for every call through a
        // resilience handler, Npgsql's per command, per COPY and per wait for a notification) are
        // what a trace already shows. At thousands of deliveries a second they were tens of
        // thousands of lines a second, each written to the console that DCP captures and exported
        // to the dashboard, which cost more CPU than the work they described. Warnings and errors still reach both (a retried attempt is Polly's warning).
        // A more specific category in configuration (e.g.
        // Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics) turns one back on.
        foreach (var category in PerCallLogCategories)
        {
            builder.Logging.AddFilter(category, LogLevel.Warning);
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(TelemetryPrefix + "*");
            })
            .WithTracing(tracing =>
            {
                var ratio = TraceSamplingSettings.Ratio(builder.Configuration[TraceSamplingSettings.RatioKey], TraceSamplingSettings.RatioKey) ?? 1;
                var perSecond = TraceSamplingSettings.PerSecond(builder.Configuration[TraceSamplingSettings.PerSecondKey], TraceSamplingSettings.PerSecondKey) ?? 0;
                // Before the exporter (added below), so a failed span is marked for export before it is batched.
                tracing.AddTraceSampling(ratio, perSecond);
                tracing.AddSource(builder.Environment.ApplicationName)
                    .AddSource(TelemetryPrefix + "*")
                    .AddAspNetCoreInstrumentation(options =>
                        // Health probes are noise in the trace view.
                        options.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                    .AddHttpClientInstrumentation();
            });

        builder.AddOpenTelemetryExporters();

        return builder;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var useOtlpExporter = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        if (useOtlpExporter)
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        return builder;
    }

    /// <summary>Adds <see cref="DatabaseLoginHealthCheck"/> on the service's <typeparamref name="TDataSource"/>: <c>/health</c> reports the role it logs in as.</summary>
    public static IHealthChecksBuilder AddDatabaseLoginCheck<TDataSource>(this IHealthChecksBuilder checks) where TDataSource : System.Data.Common.DbDataSource
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks.Add(new HealthCheckRegistration(
            DatabaseLoginHealthCheck.Name, services => new DatabaseLoginHealthCheck(services.GetRequiredService<TDataSource>()), failureStatus: null, tags: null));
    }

    /// <summary>
    /// Maps the health endpoints and, first, the problem-details exception handler (see
    /// <see cref="AddErrorResponses"/>). Call it straight after <c>Build()</c>, before any other
    /// middleware, so that the handler sees every exception before the developer exception page
    /// that ASP.NET Core puts outside the pipeline in Development.
    /// </summary>
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Status == HealthStatus.Healthy ? e.Value.Description : null,
                data = e.Value.Status == HealthStatus.Healthy && e.Value.Data.Count > 0 ? e.Value.Data : null,
            }),
        });
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();

        // All health checks must pass for the app to be considered ready to accept traffic. The answer
        // lists each check's status, and a passing check's description (e.g. the worker's flows that are
        // off); a failing check's description can hold an exception's message, so it stays in the logs.
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = WriteHealthAsync });

        // Only health checks tagged "live" must pass for the app to be considered alive.
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live")
        });

        return app;
    }
}
