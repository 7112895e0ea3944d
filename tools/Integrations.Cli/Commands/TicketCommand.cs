using Integrations.Worker.Client;
using System.CommandLine;

namespace Integrations.Cli.Commands;

/// <summary><c>ticket create</c>: open an issue through the worker's <c>create-ticket</c> action.</summary>
public static class TicketCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var repository = new Option<string>("--repository", "-r") { Description = "owner/repo", Required = true };
        var title = new Option<string>("--title") { Description = "The issue title.", Required = true };
        var body = new Option<string?>("--body") { Description = "The issue body (Markdown)." };
        var labels = new Option<string[]>("--label") { Description = "A label; repeat for more.", AllowMultipleArgumentsPerToken = false };
        var key = ActionOptions.IdempotencyKey();
        var create = new Command("create", "Open an issue (audited, at most once per idempotency key).") { repository, title, body, labels, key };
        context.SetAction(create, async (parse, cancellationToken) =>
        {
            using var service = context.Client(parse, "worker");
            var result = await new WorkerClient(service.Http).CreateTicketAsync(
                new CreateTicketRequest(parse.GetValue(repository), parse.GetValue(title), context.Actor(parse), parse.GetValue(body) ?? "", parse.GetValue(labels) ?? [], parse.GetValue(key)),
                cancellationToken);
            context.Write(parse, result, output => output.WriteLine(result.Status == "skipped"
                ? $"Already opened under {result.IdempotencyKey}: {result.Outcome}"
                : $"Opened {result.Outcome}; idempotency key {result.IdempotencyKey}."));
            return ExitCodes.Success;
        });

        return new Command("ticket", "Issue tracker tickets.") { create };
    }
}
