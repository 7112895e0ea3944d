namespace Integrations.Cli;

/// <summary>A failure to report to the user as one clear message, with the exit code from <see cref="ExitCodes"/>.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
