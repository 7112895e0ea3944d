using System.Net.Http.Json;
using System.Text.Json;

namespace Integrations.AppHost;

/// <summary>
/// Operator actions as Aspire dashboard commands, calling the services' admin APIs with their keys
/// (the same calls as the <c>integrations</c> CLI). Commands with inputs declare them as command
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
        ArgumentNullException.ThrowIfNull(adminKey);
        worker.WithHttpCommand("/api/dead-letters/redrive", "Redrive dead letters", commandName: RedriveDeadLetters, commandOptions: new HttpCommandOptions
        {
            Method = HttpMethod.Post,
            Description = "Queue every dead-lettered delivery for one more attempt.",
            ConfirmationMessage = "Queue every dead letter for another attempt?",
            IconName = "ArrowRepeatAll",
            PrepareRequest = context => AddKeyAsync(context.Request, adminKey, context.CancellationToken),
            GetCommandResult = async context => context.Response.IsSuccessStatusCode
                ? CommandResults.Success($"Requeued {(await context.Response.Content.ReadFromJsonAsync<JsonElement>(context.CancellationToken)).GetProperty("requeued").GetInt32()} dead letter(s).")
                : CommandResults.Failure($"The worker answered {(int)context.Response.StatusCode}."),
        });

        worker.WithHttpCommand("/api/backfill", "Recover lost deliveries", commandName: BackfillDeliveries, commandOptions: new HttpCommandOptions
        {
            Method = HttpMethod.Post,
            Description = "Ask every configured provider (Stripe, GitHub) what it sent since the last run, and recover what was never stored.",
            IconName = "ArrowDownload",
            PrepareRequest = context => AddKeyAsync(context.Request, adminKey, context.CancellationToken),
            GetCommandResult = async context =>
            {
                if (!context.Response.IsSuccessStatusCode)
                {
                    return CommandResults.Failure($"The worker answered {(int)context.Response.StatusCode}: {await ProblemAsync(context.Response, context.CancellationToken)}");
                }

                var runs = await context.Response.Content.ReadFromJsonAsync<List<JsonElement>>(context.CancellationToken) ?? [];
                return CommandResults.Success(runs.Count == 0
                    ? "No source is configured for gap recovery."
                    : string.Join("; ", runs.Select(r => $"{r.GetProperty("source").GetString()}: {r.GetProperty("found").GetInt32()} found, {r.GetProperty("recovered").GetArrayLength()} recovered")));
            },
        });

        return worker.WithHttpCommand("/api/deliveries", "Replay a delivery", commandName: ReplayDelivery, commandOptions: new HttpCommandOptions
        {
            Method = HttpMethod.Post,
            Description = "Run a stored delivery's flow again; effects already done are skipped.",
            IconName = "ArrowClockwise",
            Arguments =
            [
                new InteractionInput { Name = "provider", Label = "Provider", InputType = InputType.Text, Required = true, Placeholder = "github" },
                new InteractionInput { Name = "deliveryId", Label = "Delivery id", InputType = InputType.Text, Required = true },
            ],
            PrepareRequest = context =>
            {
                var provider = Uri.EscapeDataString(context.Arguments.GetString("provider") ?? "");
                var deliveryId = Uri.EscapeDataString(context.Arguments.GetString("deliveryId") ?? "");
                context.Request.RequestUri = new Uri(context.Request.RequestUri!, $"/api/deliveries/{provider}/{deliveryId}/replay");
                return AddKeyAsync(context.Request, adminKey, context.CancellationToken);
            },
            GetCommandResult = context => Task.FromResult(context.Response.StatusCode switch
            {
                System.Net.HttpStatusCode.Accepted => CommandResults.Success("Queued for replay."),
                System.Net.HttpStatusCode.NotFound => CommandResults.Failure("No stored delivery has that provider and id, or a worker is processing it now."),
                var status => CommandResults.Failure($"The worker answered {(int)status}."),
            }),
        });
    }

    /// <summary>Adds <see cref="RotateWebhookSecret"/> to the receiver: add a source's new signing secret, optionally retiring the others.</summary>
    public static IResourceBuilder<ProjectResource> WithSecretCommands(
        this IResourceBuilder<ProjectResource> receiver, IResourceBuilder<ParameterResource> adminKey)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(adminKey);
        var endpoint = receiver.GetEndpoint("http");
        return receiver.WithCommand(RotateWebhookSecret, "Rotate a webhook secret", async context =>
        {
            var source = Uri.EscapeDataString(context.Arguments.GetString("source") ?? "");
            var secret = context.Arguments.GetString("secret") ?? "";
            var retireOthers = context.Arguments.GetBoolean("retireOthers");
            using var http = new HttpClient { BaseAddress = new Uri(endpoint.Url) };
            http.DefaultRequestHeaders.Add("X-Api-Key", await adminKey.Resource.GetValueAsync(context.CancellationToken));

            var before = await http.GetFromJsonAsync<List<JsonElement>>($"/admin/sources/{source}/secrets", context.CancellationToken) ?? [];
            using var added = await http.PostAsJsonAsync($"/admin/sources/{source}/secrets", new { secret, actor = Actor }, context.CancellationToken);
            if (!added.IsSuccessStatusCode)
            {
                return CommandResults.Failure($"The receiver refused the secret ({(int)added.StatusCode}): {await ProblemAsync(added, context.CancellationToken)}");
            }

            var id = (await added.Content.ReadFromJsonAsync<JsonElement>(context.CancellationToken)).GetProperty("id").GetInt64();
            var retired = 0;
            foreach (var old in retireOthers ? before.Where(s => s.GetProperty("retiredAt").ValueKind == JsonValueKind.Null) : [])
            {
                using var response = await http.DeleteAsync($"/admin/sources/{source}/secrets/{old.GetProperty("id").GetInt64()}?actor={Actor}", context.CancellationToken);
                retired += response.IsSuccessStatusCode ? 1 : 0;
            }

            return CommandResults.Success($"Added secret #{id}; retired {retired} other(s).");
        }, new CommandOptions
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

    /// <summary>The worker's key, and the dashboard named as the actor its audit rows record.</summary>
    private static async Task AddKeyAsync(HttpRequestMessage request, IResourceBuilder<ParameterResource> key, CancellationToken cancellationToken)
    {
        request.Headers.Add("X-Api-Key", await key.Resource.GetValueAsync(cancellationToken));
        request.Headers.Add("X-Actor", Actor);
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return problem.TryGetProperty("errors", out var errors) ? errors.ToString()
                : problem.TryGetProperty("title", out var title) ? title.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}
