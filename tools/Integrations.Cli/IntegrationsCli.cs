using System.CommandLine;
using Integrations.Cli.Commands;

namespace Integrations.Cli;

/// <summary>
/// The <c>integrations</c> command line. <see cref="InvokeAsync"/> runs it against any
/// <see cref="CliConsole"/>, so tests call it in-process with the stack's URLs and keys.
/// </summary>
public static class IntegrationsCli
{
    public static RootCommand BuildRootCommand(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var options = new GlobalOptions();
        var context = new CliContext(options, console);
        var root = new RootCommand("Operate the Integrations stack: actions, audit, deliveries, dead letters, connections, secrets, and an MCP server.")
        {
            NotifyCommand.Create(context),
            TicketCommand.Create(context),
            AuditCommand.Create(context),
            DeliveriesCommand.Create(context),
            DeadLettersCommand.Create(context),
            ConnectionsCommand.Create(context),
            SecretsCommand.Create(context),
            McpCommand.Create(context),
        };
        options.AddTo(root);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns an exit code from <see cref="ExitCodes"/>.</summary>
    public static async Task<int> InvokeAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        var parse = BuildRootCommand(console).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync($"error: {error.Message}");
            }

            await console.Error.WriteLineAsync("Run 'integrations --help' (or '<command> --help') for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = console.Output, Error = console.Error }, cancellationToken);
    }
}
