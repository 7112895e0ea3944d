using Microsoft.Extensions.Logging;

namespace Integrations.Cli;

/// <summary>The MCP server's log messages (to standard error only; standard output is the protocol). Never a key or secret.</summary>
internal static partial class CliLog
{
    [LoggerMessage(1, LogLevel.Information, "Tool {Tool} called by {Actor}")]
    public static partial void ToolCalled(ILogger logger, string tool, string actor);

    [LoggerMessage(2, LogLevel.Warning, "Tool {Tool} called by {Actor} failed (exit code {ExitCode})")]
    public static partial void ToolFailed(ILogger logger, string tool, string actor, int exitCode);

    [LoggerMessage(3, LogLevel.Information, "MCP server ready: worker {Worker}, audit {Audit}")]
    public static partial void Ready(ILogger logger, Uri worker, Uri audit);
}
