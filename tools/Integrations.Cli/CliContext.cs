using System.CommandLine;
using System.Text.Json;
using Integrations.Cli.Http;
using Integrations.TokenBroker.Client;

namespace Integrations.Cli;

/// <summary>What every command needs: the global options, the console, and one way to run and report.</summary>
public sealed class CliContext(GlobalOptions options, CliConsole console)
{
    private static readonly JsonSerializerOptions IndentedJson = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public GlobalOptions Options { get; } = options;

    public CliConsole Console { get; } = console;

    public ServiceClient Client(ParseResult parse, string service, TimeSpan? timeout = null, HttpMessageHandler? handler = null) =>
        new(Options.Endpoint(parse, Console, service), Options.ResolveActor(parse, Console), timeout, handler);

    public string Actor(ParseResult parse) => Options.ResolveActor(parse, Console);

    public bool IsJson(ParseResult parse) => parse.GetValue(Options.Json);

    /// <summary>Writes <paramref name="value"/> as JSON with <c>--json</c>, otherwise as <paramref name="text"/> writes it.</summary>
    public void Write<T>(ParseResult parse, T value, Action<TextWriter> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsJson(parse))
        {
            Console.Output.WriteLine(JsonSerializer.Serialize(value, IndentedJson));
        }
        else
        {
            text(Console.Output);
        }
    }

    /// <summary>
    /// Sets <paramref name="command"/>'s action: runs <paramref name="run"/> and turns any failure into
    /// one line on standard error (never a stack trace) and an exit code from <see cref="ExitCodes"/>.
    /// </summary>
    public void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await run(parse, cancellationToken);
            }
            catch (CliException ex)
            {
                return Fail(ex.ExitCode, ex.Message);
            }
            catch (TokenBrokerException ex)
            {
                return Fail(ServiceClient.ExitCodeFor(ex.Status), $"The broker answered {(int)ex.Status}: {ex.Message}");
            }
            catch (HttpRequestException ex)
            {
                return Fail(ExitCodes.Unavailable, $"A service could not be reached: {ex.Message}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Fail(ExitCodes.Failure, "Cancelled.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
            {
                // A local failure (a file that cannot be written, an answer that cannot be read): its message says enough.
                return Fail(ExitCodes.Failure, ex.Message);
            }
        });
    }

    private int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
