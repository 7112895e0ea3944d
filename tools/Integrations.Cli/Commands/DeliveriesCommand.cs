using System.CommandLine;
using Integrations.Receiver.Client;
using Integrations.Worker.Client;

namespace Integrations.Cli.Commands;

/// <summary>
/// <c>deliveries list|show|replay|backfill</c>: stored webhook deliveries (receiver), replaying one and
/// recovering the ones a provider lost (worker).
/// </summary>
public static class DeliveriesCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command("deliveries", "Stored webhook deliveries.") { List(context), Show(context), Replay(context), Backfill(context) };
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
            using var service = context.Client(parse, "receiver");
            var deliveries = await new ReceiverClient(service.Http).ListDeliveriesAsync(parse.GetValue(provider)!, parse.GetValue(state), parse.GetValue(limit), cancellationToken);
            context.Write(parse, deliveries, output => Table.Write(output, ["DELIVERY", "EVENT", "STATE", "ATTEMPTS", "RECEIVED", "RECOVERED", "LAST ERROR"],
                deliveries.Select(d => new[] { d.DeliveryId, d.EventType, d.State, d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), Table.Time(d.ReceivedAt), d.Recovered ? "yes" : "", d.LastError })));
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
            using var service = context.Client(parse, "receiver");
            var d = await new ReceiverClient(service.Http).GetDeliveryAsync(parse.GetValue(provider)!, parse.GetValue(id)!, cancellationToken);
            context.Write(parse, d, output =>
            {
                output.WriteLine($"delivery   {d.Provider}/{d.DeliveryId}");
                output.WriteLine($"event      {d.EventType}");
                output.WriteLine($"state      {d.State}");
                output.WriteLine($"attempts   {d.Attempts}");
                output.WriteLine($"received   {Table.Time(d.ReceivedAt)}");
                output.WriteLine($"completed  {Table.Time(d.CompletedAt)}");
                output.WriteLine($"recovered  {(d.Recovered ? "yes (gap recovery)" : "no")}");
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
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Only show what the replay would do: each effect it would skip, run or fail on, with its idempotency key. Nothing is called or changed.",
        };
        var replay = new Command("replay", "Run a stored delivery's flow again; effects already done are skipped.") { provider, id, dryRun };
        context.SetAction(replay, async (parse, cancellationToken) =>
        {
            using var service = context.Client(parse, "worker");
            var worker = new WorkerClient(service.Http);
            if (parse.GetValue(dryRun))
            {
                var preview = await worker.PreviewReplayAsync(parse.GetValue(provider)!, parse.GetValue(id)!, cancellationToken);
                context.Write(parse, preview, output => WritePreview(output, preview));
                return ExitCodes.Success;
            }

            await worker.ReplayAsync(parse.GetValue(provider)!, parse.GetValue(id)!, cancellationToken: cancellationToken);
            var result = new { provider = parse.GetValue(provider), deliveryId = parse.GetValue(id), queued = true };
            context.Write(parse, result, output => output.WriteLine($"Queued {result.provider}/{result.deliveryId} for replay."));
            return ExitCodes.Success;
        });
        return replay;
    }

    private static void WritePreview(TextWriter output, ReplayPreview preview)
    {
        output.WriteLine($"Replay of {preview.Provider}/{preview.DeliveryId} ({preview.EventType}, now {preview.State}) would run {preview.Flow ?? "no flow"}:");
        Table.Write(output, ["ACTION", "PROVIDER", "IDEMPOTENCY KEY", "EXISTS", "WOULD"],
            preview.Effects.Select(e => new[] { e.Action, e.Provider, e.IdempotencyKey, e.Exists ? "yes" : "no", e.WouldDo }));
        foreach (var step in preview.Effects.Where(e => e.WouldDo == PlannedEffect.Run && e.Note is not null))
        {
            output.WriteLine($"{step.IdempotencyKey}: {step.Note}");
        }

        if (!preview.Complete)
        {
            output.WriteLine($"Incomplete: {preview.StoppedBecause}");
        }
        else if (preview.StoppedBecause is not null)
        {
            output.WriteLine($"Stops: {preview.StoppedBecause}");
        }

        output.WriteLine("Nothing was called or changed.");
    }

    private static Command Backfill(CliContext context)
    {
        var source = new Argument<string>("source") { Description = "The webhook source: stripe or github." };
        var since = new Option<string?>("--since") { Description = "Look back to this time (ISO 8601, e.g. 2026-12-01T00:00:00Z); default: where the last run ended." };
        var backfill = new Command("backfill", "Ask the provider what it sent, and recover the deliveries that were never stored.") { source, since };
        context.SetAction(backfill, async (parse, cancellationToken) =>
        {
            using var service = context.Client(parse, "worker");
            var result = await new WorkerClient(service.Http).BackfillAsync(parse.GetValue(source)!, parse.GetValue(since), cancellationToken: cancellationToken);
            context.Write(parse, result, output =>
            {
                output.WriteLine($"{result.Source}: the provider reported {result.Found} deliver{(result.Found == 1 ? "y" : "ies")} since {Table.Time(result.Since)}; "
                    + $"{result.Recovered.Count} recovered ({(result.Method == "redelivery" ? "redelivery requested" : "stored")}).");
                foreach (var id in result.Recovered)
                {
                    output.WriteLine($"recovered  {result.Source}/{id}");
                }
            });
            return ExitCodes.Success;
        });
        return backfill;
    }

    private static Argument<string> Provider() => new("provider") { Description = "The webhook source, e.g. github." };

    private static Argument<string> DeliveryId() => new("delivery-id") { Description = "The provider's delivery id." };
}
