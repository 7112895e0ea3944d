using Integrations.Cli;

return await IntegrationsCli.InvokeAsync(args, CliConsole.System);
