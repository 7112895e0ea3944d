using System.Net;
using Integrations.ApiKeys;
using Integrations.Receiver.Client;
using Integrations.Worker.Client;

namespace Integrations.AppHost;

/// <summary>
/// Operator actions as Aspire dashboard commands, calling the services' admin APIs with their keys
/// through the same typed clients as the <c>integrations</c> CLI (<see cref="WorkerClient"/>, <see cref="ReceiverClient"/>). Commands with inputs declare them as command
/// arguments, which the dashboard asks for in a dialog before it runs the command. A secret typed
/// into the rotate dialog goes only into the request body: never into a result, a log or a trace.
/// </summary>
public static class OperatorCommandExtensions
{
    public const string RedriveDeadLetters = "redrive-dead-letters";
    public const string ReplayDelivery = "replay-delivery";
    public const string BackfillDeliveries = "backfill-deliveries";
    public const string RotateWebhookSecret = "rotate-webhook-secret";
    private const string Actor = "aspire-dashboard";

    /// <summary>Adds <see cref="RedriveDeadLetters"/>, <see cref="ReplayDelivery"/> and <see cref="BackfillDeliveries"/> to the worker.</summary>
    public static IResourceBuilder<ProjectResource> WithQueueCommands(
        this IResourceBuilder<ProjectResource> worker, IResourceBuilder<ParameterResource> adminKey)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(adminKey);
        var endpoint = worker.GetEndpoint("http");
        worker.WithCommand(RedriveDeadLetters, "Redrive dead letters", Answering("worker", async context =>
        {
            using var http = await ClientAsync(endpoint, adminKey, context.CancellationToken);
            var result = await new WorkerClient(http).RedriveAsync(actor: Actor, cancellationToken: context.CancellationToken);
            return CommandResults.Success($"Requeued {result.Requeued} dead letter(s).");
        }), new CommandOptions
        {
            Description = "Queue every dead-lettered delivery for one more attempt.",
            ConfirmationMessage = "Queue every dead letter for another attempt?",
            IconName = "ArrowRepeatAll",
            UpdateState = WhenRunning,
        });

        worker.WithCommand(BackfillDeliveries, "Recover lost deliveries", Answering("worker", async context =>
        {
            using var http = await ClientAsync(endpoint, adminKey, context.CancellationToken);
            var runs = await new WorkerClient(http).BackfillAllAsync(Actor, context.CancellationToken);
            return CommandResults.Success(runs.Count == 0
                ? "No source is configured for gap recovery."
                : string.Join("; ", runs.Select(r => $"{r.Source}: {r.Found} found, {r.Recovered.Count} recovered")));
        }), new CommandOptions
        {
            Description = "Ask every configured provider (Stripe, GitHub) what it sent since the last run, and recover what was never stored.",
            IconName = "ArrowDownload",
            UpdateState = WhenRunning,
        });

        return worker.WithCommand(ReplayDelivery, "Replay a delivery", Answering("worker", async context =>
        {
            using var http = await ClientAsync(endpoint, adminKey, context.CancellationToken);
            try
            {
                await new WorkerClient(http).ReplayAsync(
                    context.Arguments.GetString("provider") ?? "", context.Arguments.GetString("deliveryId") ?? "", Actor, context.CancellationToken);
            }
            catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                return CommandResults.Failure("No stored delivery has that provider and id, or a worker is processing it now.");
            }

            return CommandResults.Success("Queued for replay.");
        }), new CommandOptions
        {
            Description = "Run a stored delivery's flow again; effects already done are skipped.",
            IconName = "ArrowClockwise",
            UpdateState = WhenRunning,
            Arguments =
            [
                new InteractionInput { Name = "provider", Label = "Provider", InputType = InputType.Text, Required = true, Placeholder = "github" },
                new InteractionInput { Name = "deliveryId", Label = "Delivery id", InputType = InputType.Text, Required = true },
            ],
        });
    }

    /// <summary>Adds <see cref="RotateWebhookSecret"/> to the receiver: add a source's new signing secret, optionally retiring the others.</summary>
    public static IResourceBuilder<ProjectResource> WithSecretCommands(
        this IResourceBuilder<ProjectResource> receiver, IResourceBuilder<ParameterResource> adminKey)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(adminKey);
        var endpoint = receiver.GetEndpoint("http");
        return receiver.WithCommand(RotateWebhookSecret, "Rotate a webhook secret", Answering("receiver", async context =>
        {
            var source = context.Arguments.GetString("source") ?? "";
            var secret = context.Arguments.GetString("secret") ?? "";
            var retireOthers = context.Arguments.GetBoolean("retireOthers");
            using var http = await ClientAsync(endpoint, adminKey, context.CancellationToken);
            var secrets = new ReceiverClient(http);

            var before = await secrets.ListSecretsAsync(source, context.CancellationToken);
            SecretInfo added;
            try
            {
                added = await secrets.AddSecretAsync(source, new AddSecretRequest(secret, Actor), context.CancellationToken);
            }
            catch (HttpRequestException ex) when (ex.StatusCode is { } status)
            {
                return CommandResults.Failure($"The receiver refused the secret ({(int)status}): {ex.Message}");
            }

            var retired = 0;
            foreach (var old in retireOthers ? before.Where(s => s.RetiredAt is null) : [])
            {
                try
                {
                    await secrets.RetireSecretAsync(source, old.Id, Actor, context.CancellationToken);
                    retired++;
                }
                catch (HttpRequestException ex) when (ex.StatusCode is not null)
                {
                    // Counted only when retired (one retired meanwhile is refused); the rest are still tried.
                }
            }

            return CommandResults.Success($"Added secret #{added.Id}; retired {retired} other(s).");
        }), new CommandOptions
        {
            Description = "Add a new signing secret to a webhook source (both verify until the old one is retired).",
            IconName = "KeyReset",
            Arguments =
            [
                new InteractionInput { Name = "source", Label = "Webhook source", InputType = InputType.Text, Required = true, Placeholder = "github" },
                new InteractionInput { Name = "secret", Label = "New secret", InputType = InputType.SecretText, Required = true },
                new InteractionInput { Name = "retireOthers", Label = "Retire the other run-time secrets", InputType = InputType.Boolean },
            ],
        });
    }

    /// <summary>Runs <paramref name="run"/>; a refusal or an unreachable <paramref name="service"/> is the command's failure, with the service's reason.</summary>
    private static Func<ExecuteCommandContext, Task<ExecuteCommandResult>> Answering(string service, Func<ExecuteCommandContext, Task<ExecuteCommandResult>> run) =>
        async context =>
        {
            try
            {
                return await run(context);
            }
            catch (HttpRequestException ex)
            {
                return CommandResults.Failure(ex.StatusCode is { } status
                    ? $"The {service} answered {(int)status}: {ex.Message}"
                    : $"The {service} could not be reached: {ex.Message}");
            }
        };

    /// <summary>
    /// Enabled while the service runs, as Aspire's HTTP commands are (their default watches the resource's
    /// state, not its health): a degraded worker, e.g. after a failed gap recovery, can still be asked again.
    /// </summary>
    private static ResourceCommandState WhenRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text is var state && (state == KnownResourceStates.Running || state == KnownResourceStates.RuntimeUnhealthy)
            ? ResourceCommandState.Enabled
            : ResourceCommandState.Disabled;

    /// <summary>A client of <paramref name="endpoint"/> that sends the service's admin key.</summary>
    private static async Task<HttpClient> ClientAsync(EndpointReference endpoint, IResourceBuilder<ParameterResource> key, CancellationToken cancellationToken)
    {
        var value = await key.Resource.GetValueAsync(cancellationToken);
        return new HttpClient(new ApiKeyHandler(() => value) { InnerHandler = new HttpClientHandler() }) { BaseAddress = new Uri(endpoint.Url) };
    }
}
