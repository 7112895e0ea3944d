namespace Integrations.Cli;

/// <summary>
/// Where a command reads and writes: the process's own streams and environment, or a test's.
/// Results go to <see cref="Output"/>; errors, progress and notes go to <see cref="Error"/>, so
/// <c>--json</c> output stays machine-readable.
/// </summary>
public sealed class CliConsole
{
    public required TextWriter Output { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Standard input: where <c>secrets rotate --stdin</c> reads a secret.</summary>
    public required TextReader Input { get; init; }

    /// <summary>Looks up an environment variable.</summary>
    public required Func<string, string?> Environment { get; init; }

    /// <summary>Where the operator file is looked for (<see cref="OperatorFile"/>): the process's working directory by default.</summary>
    public string CurrentDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Whether <see cref="Error"/> is a terminal, where a progress line can rewrite itself.</summary>
    public bool ErrorIsTerminal { get; init; }

    public static CliConsole System => new()
    {
        Output = Console.Out,
        Error = Console.Error,
        Input = Console.In,
        Environment = global::System.Environment.GetEnvironmentVariable,
        ErrorIsTerminal = !Console.IsErrorRedirected,
    };
}
