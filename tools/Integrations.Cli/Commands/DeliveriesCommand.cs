using System.CommandLine;
using Integrations.Receiver.Client;

namespace Integrations.Cli.Commands;

/// <summary><c>deliveries list|show|replay</c>: stored webhook deliveries (receiver) and replaying one (worker).</summary>
public static class DeliveriesCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command("deliveries", "Stored webhook deliveries.") { List(context), Show(context), Replay(context) };
    }

    private static Command List(CliContext context)
    {
        var provider = Provider();
        var state = new Option<string?>("--state") { Description = "Only deliveries in this state." };
        state.AcceptOnlyFromAmong([.. DeliveryState.All]);
        var limit = new Option<int>("--limit") { Description = "At most this many (1-500).", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "List a source's deliveries, newest first.") { provider, state, limit };
        context.SetAction(list, async (parse, cancellationToken) =>
        {
            using var receiver = context.Client(parse, "receiver");
            var query = $"deliveries/{Uri.EscapeDataString(parse.GetValue(provider)!)}?limit={parse.GetValue(limit)}"
                + (parse.GetValue(state) is { } s ? $"&state={s}" : "");
            var deliveries = await receiver.GetAsync<List<DeliveryStatus>>(query, cancellationToken);
            context.Write(parse, deliveries, output => Table.Write(output, ["DELIVERY", "EVENT", "STATE", "ATTEMPTS", "RECEIVED", "LAST ERROR"],
                deliveries.Select(d => new[] { d.DeliveryId, d.EventType, d.State, d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), Table.Time(d.ReceivedAt), d.LastError })));
            return ExitCodes.Success;
        });
        return list;
    }

    private static Command Show(CliContext context)
    {
        var provider = Provider();
        var id = DeliveryId();
        var show = new Command("show", "Show one delivery's state.") { provider, id };
        context.SetAction(show, async (parse, cancellationToken) =>
        {
            using var receiver = context.Client(parse, "receiver");
            var d = await receiver.GetAsync<DeliveryStatus>(
                $"deliveries/{Uri.EscapeDataString(parse.GetValue(provider)!)}/{Uri.EscapeDataString(parse.GetValue(id)!)}", cancellationToken);
            context.Write(parse, d, output =>
            {
                output.WriteLine($"delivery   {d.Provider}/{d.DeliveryId}");
                output.WriteLine($"event      {d.EventType}");
                output.WriteLine($"state      {d.State}");
                output.WriteLine($"attempts   {d.Attempts}");
                output.WriteLine($"received   {Table.Time(d.ReceivedAt)}");
                output.WriteLine($"completed  {Table.Time(d.CompletedAt)}");
                output.WriteLine($"last error {d.LastError}");
            });
            return ExitCodes.Success;
        });
        return show;
    }

    private static Command Replay(CliContext context)
    {
        var provider = Provider();
        var id = DeliveryId();
        var replay = new Command("replay", "Run a stored delivery's flow again; effects already done are skipped.") { provider, id };
        context.SetAction(replay, async (parse, cancellationToken) =>
        {
            using var worker = context.Client(parse, "worker");
            var path = $"api/deliveries/{Uri.EscapeDataString(parse.GetValue(provider)!)}/{Uri.EscapeDataString(parse.GetValue(id)!)}/replay";
            using var response = await worker.SendAsync(new HttpRequestMessage(HttpMethod.Post, path), cancellationToken);
            var result = new { provider = parse.GetValue(provider), deliveryId = parse.GetValue(id), queued = true };
            context.Write(parse, result, output => output.WriteLine($"Queued {result.provider}/{result.deliveryId} for replay."));
            return ExitCodes.Success;
        });
        return replay;
    }

    private static Argument<string> Provider() => new("provider") { Description = "The webhook source, e.g. github." };

    private static Argument<string> DeliveryId() => new("delivery-id") { Description = "The provider's delivery id." };
}
