using System.Diagnostics;

namespace Integrations.AppHost;

/// <summary>How Redis and PostgreSQL run: as containers, or as local processes.</summary>
public enum InfrastructureMode
{
    Container,
    Local,
}

/// <summary>
/// Chooses the <see cref="InfrastructureMode"/>. <c>Infra:Mode</c> (<c>container</c>, <c>local</c> or
/// <c>auto</c>, the default) makes the choice explicit. In publish mode it is always
/// <see cref="InfrastructureMode.Container"/>, so the manifest describes containers. In <c>auto</c>
/// the container runtime is asked once (<c>docker info</c>, or the runtime named by
/// <c>ASPIRE_CONTAINER_RUNTIME</c>): a runtime that does not answer within a few seconds means local
/// processes, because Aspire's container resources would otherwise wait forever.
/// </summary>
public static class InfrastructureModeSelector
{
    public const string ConfigurationKey = "Infra:Mode";

    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(5);

    public static InfrastructureMode Select(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        if (builder.ExecutionContext.IsPublishMode)
        {
            return InfrastructureMode.Container;
        }

        var configured = builder.Configuration[ConfigurationKey];
        return Parse(configured) ?? (ContainerRuntimeAnswers(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker")
            ? InfrastructureMode.Container
            : InfrastructureMode.Local);
    }

    /// <summary>Parses a configured mode; <c>null</c> means <c>auto</c>.</summary>
    public static InfrastructureMode? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "container" => InfrastructureMode.Container,
        "local" => InfrastructureMode.Local,
        _ => throw new InvalidOperationException(
            $"Configuration '{ConfigurationKey}' must be 'container', 'local' or 'auto', not '{value}'."),
    };

    private static bool ContainerRuntimeAnswers(string runtime)
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(runtime, "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (probe is null)
            {
                return false;
            }

            if (!probe.WaitForExit(s_probeTimeout))
            {
                probe.Kill(entireProcessTree: true);
                return false;
            }

            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // The runtime's CLI is not installed.
            return false;
        }
    }
}
