using Integrations.Worker.Client;
using System.CommandLine;

namespace Integrations.Cli.Commands;

/// <summary><c>dlq list|redrive</c>: the worker's dead-letter queue.</summary>
public static class DeadLettersCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var provider = new Option<string?>("--provider") { Description = "Only this provider's dead letters." };
        var limit = new Option<int>("--limit") { Description = "At most this many (1-500).", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "List dead letters, oldest first.") { provider, limit };
        context.SetAction(list, async (parse, cancellationToken) =>
        {
            using var service = context.Client(parse, "worker");
            var dead = await new WorkerClient(service.Http).ListDeadLettersAsync(parse.GetValue(provider), parse.GetValue(limit), cancellationToken);
            context.Write(parse, dead, output => Table.Write(output, ["PROVIDER", "DELIVERY", "EVENT", "ATTEMPTS", "RECEIVED", "LAST ERROR"],
                dead.Select(d => new[] { d.Provider, d.DeliveryId, d.EventType, d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), Table.Time(d.ReceivedAt), d.LastError })));
            return ExitCodes.Success;
        });

        var redriveProvider = new Option<string?>("--provider") { Description = "Only this provider's dead letters." };
        var redrive = new Command("redrive", "Queue every dead letter (of one provider) for another attempt.") { redriveProvider };
        context.SetAction(redrive, async (parse, cancellationToken) =>
        {
            using var service = context.Client(parse, "worker");
            var result = await new WorkerClient(service.Http).RedriveAsync(parse.GetValue(redriveProvider), cancellationToken: cancellationToken);
            context.Write(parse, result, output => output.WriteLine($"Requeued {result.Requeued} dead letter(s)."));
            return ExitCodes.Success;
        });

        return new Command("dlq", "The dead-letter queue.") { list, redrive };
    }
}
