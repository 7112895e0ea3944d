using Integrations.Worker.Client;
using System.CommandLine;

namespace Integrations.Cli.Commands;

/// <summary><c>notify slack</c>: post a message through the worker's <c>send-message</c> action.</summary>
public static class NotifyCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var channel = new Option<string>("--channel") { Description = "The Slack channel, e.g. #ops.", Required = true };
        var text = new Option<string>("--text") { Description = "The message text.", Required = true };
        var key = ActionOptions.IdempotencyKey();
        var slack = new Command("slack", "Post a message to a Slack channel (audited, at most once per idempotency key).") { channel, text, key };
        context.SetAction(slack, async (parse, cancellationToken) =>
        {
            using var service = context.Client(parse, "worker");
            var result = await new WorkerClient(service.Http).SendMessageAsync(
                new SendMessageRequest(parse.GetValue(channel), parse.GetValue(text), context.Actor(parse), parse.GetValue(key)), cancellationToken);
            context.Write(parse, result, output => output.WriteLine(result.Status == "skipped"
                ? $"Already posted under {result.IdempotencyKey} (ts {result.Outcome}); nothing sent again."
                : $"Posted to {parse.GetValue(channel)} (ts {result.Outcome}); idempotency key {result.IdempotencyKey}."));
            return ExitCodes.Success;
        });

        return new Command("notify", "Send notifications.") { slack };
    }
}
