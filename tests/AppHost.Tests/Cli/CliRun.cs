using Integrations.Cli;

namespace Integrations.AppHost.Tests;

/// <summary>What one in-process run of the <c>integrations</c> CLI printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>
    /// Runs the CLI in-process against the test stack: every service URL and key comes from the
    /// environment the CLI sees, as an operator would set it; <paramref name="environment"/> overrides.
    /// </summary>
    public static async Task<CliRun> InvokeAsync(StackFixture stack, string[] args, string? input = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var variables = StackEnvironment(stack);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        return await InvokeAsync(variables, args, input);
    }

    /// <summary>
    /// Runs the CLI in-process with exactly the environment <paramref name="variables"/>, in
    /// <paramref name="currentDirectory"/> (default: the temporary folder, where no operator file is found).
    /// </summary>
    public static async Task<CliRun> InvokeAsync(IReadOnlyDictionary<string, string?> variables, string[] args, string? input = null, string? currentDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input ?? "");
        var console = new CliConsole
        {
            Output = output,
            Error = error,
            Input = reader,
            Environment = name => variables.GetValueOrDefault(name),
            CurrentDirectory = currentDirectory ?? Path.GetTempPath(),
        };
        var exitCode = await IntegrationsCli.InvokeAsync(args, console).WaitAsync(StackFixture.StepTimeout);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The <c>INTEGRATIONS_*</c> variables that point the CLI and the MCP server at the test stack.</summary>
    public static Dictionary<string, string?> StackEnvironment(StackFixture stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return new Dictionary<string, string?>
        {
            ["INTEGRATIONS_WORKER_URL"] = stack.App.GetEndpoint("worker", "http").AbsoluteUri,
            ["INTEGRATIONS_WORKER_KEY"] = StackFixture.WorkerAdminKey,
            ["INTEGRATIONS_RECEIVER_URL"] = stack.App.GetEndpoint("receiver", "http").AbsoluteUri,
            ["INTEGRATIONS_RECEIVER_KEY"] = StackFixture.ReceiverAdminKey,
            ["INTEGRATIONS_BROKER_URL"] = stack.App.GetEndpoint("broker", "http").AbsoluteUri,
            ["INTEGRATIONS_BROKER_KEY"] = StackFixture.BrokerApiKey,
            ["INTEGRATIONS_AUDIT_URL"] = stack.App.GetEndpoint("audit", "http").AbsoluteUri,
            ["INTEGRATIONS_AUDIT_KEY"] = StackFixture.AuditApiKey,
        };
    }
}
