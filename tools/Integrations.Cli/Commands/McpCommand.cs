using System.CommandLine;
using Integrations.Cli.Mcp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Integrations.Cli.Commands;

/// <summary>
/// <c>mcp</c>: a Model Context Protocol server on standard input and output, exposing the business
/// actions as tools (<see cref="BusinessTools"/>). Keys come from this process's environment or
/// options, permissions from the <c>Mcp</c> configuration section; logs go to standard error.
/// </summary>
public static class McpCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = new Option<FileInfo?>("--config") { Description = "A JSON file with an \"Mcp\" section: AllowedTools, AllowedChannels, AllowedRepositories, AllowedProviders [env: INTEGRATIONS_MCP_CONFIG]" };
        var mcp = new Command("mcp", "Run an MCP server over stdio with the business actions as tools.") { config };
        context.SetAction(mcp, async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(config)?.FullName ?? context.Console.Environment("INTEGRATIONS_MCP_CONFIG");
            if (file is not null && !File.Exists(file))
            {
                throw new CliException(ExitCodes.Usage, $"The MCP configuration file {file} does not exist.");
            }

            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "integrations-mcp" });
            if (file is not null)
            {
                builder.Configuration.AddJsonFile(file, optional: false);
            }

            builder.Configuration.AddEnvironmentVariables();
            builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("ModelContextProtocol", LogLevel.Warning);

            var worker = context.Options.Endpoint(parse, context.Console, "worker");
            var audit = context.Options.Endpoint(parse, context.Console, "audit");
            builder.Services.AddSingleton(new McpServices(worker, audit));
            builder.Services.AddOptions<McpPermissions>().BindConfiguration(McpPermissions.SectionName);
            builder.Services
                .AddMcpServer(server => server.ServerInfo = new Implementation
                {
                    Name = "integrations",
                    Version = typeof(McpCommand).Assembly.GetName().Version?.ToString(3) ?? "1.0.0",
                })
                .WithStdioServerTransport()
                .WithTools<BusinessTools>();

            using var host = builder.Build();
            CliLog.Ready(host.Services.GetRequiredService<ILogger<BusinessTools>>(), worker.BaseUrl, audit.BaseUrl);
            await host.RunAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return mcp;
    }
}
