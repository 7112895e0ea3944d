using Integrations.Sandbox.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Integrations.Sandbox.Apis;

/// <summary>
/// <c>POST /_sandbox/webhooks</c>: the sandbox plays GitHub, Stripe, Slack or a Standard Webhooks source
/// (the help desk's <c>support</c>) and sends signed webhooks
/// to the receiver, one event or a seeded scenario, with duplicates and in a chosen order, as JSON or
/// in the form formats GitHub (<c>form</c>) and Slack (<c>slash_command</c>, <c>interaction</c>) also use, and
/// answers with every body it sent (a form's as the JSON it carries) and the receiver's status for each copy.
/// With <c>drop</c>, each is recorded as sent (Stripe's event list, the GitHub hook's deliveries) but not delivered;
/// <c>resend</c> sends one of those again by its id, as the provider's own retry would.
/// </summary>
public static class WebhookSenderApi
{
    public const string CheckoutCompletedScenario = "checkout_completed";
    public const string SlashCommandFormat = "slash_command";
    public const string InteractionFormat = "interaction";
    private const int MaxDuplicates = 20;

    public static RouteGroupBuilder MapWebhookSenderApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("_sandbox/webhooks");
        api.MapPost("/", SendWebhooks);
        return api;
    }

    public static async Task<Results<Ok<IReadOnlyList<SentWebhook>>, ValidationProblem, ProblemHttpResult>> SendWebhooks(
        SendWebhooksRequest request, SampleEvents samples, WebhookSender sender, StripeEventLog stripeEvents, GitHubHookDeliveries hookDeliveries,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        var provider = request.Provider?.ToLowerInvariant();
        if (provider is not ("github" or "stripe" or "slack") && (provider is null || !sender.IsStandardSource(provider)))
        {
            errors["provider"] = ["provider must be github, stripe, slack or a Standard Webhooks source the sandbox sends as (support)."];
        }
        else if (!sender.CanSign(provider))
        {
            errors["provider"] = [$"The source {provider} verifies with a whpk_ public key: only its sender holds the signing key, so the sandbox cannot send as it."];
        }

        if (request.Scenario is not null && (provider != "stripe" || request.Scenario != CheckoutCompletedScenario))
        {
            errors["scenario"] = [$"The only scenario is '{CheckoutCompletedScenario}', for provider stripe."];
        }

        if (request.Duplicates is < 0 or > MaxDuplicates)
        {
            errors["duplicates"] = [$"duplicates must be between 0 and {MaxDuplicates}."];
        }

        if (request.Format is not (null or "json") && (provider, request.Format) is not (("github", "form") or ("slack", SlashCommandFormat or InteractionFormat)))
        {
            errors["format"] = [$"format is json, or form for github, or {SlashCommandFormat} or {InteractionFormat} for slack."];
        }
        else if (request.Format is SlashCommandFormat or InteractionFormat && !SampleEvents.KeepsTriggerId(request.Payload))
        {
            errors["payload"] = ["A slash command or interaction the sandbox sends needs a trigger_id (a non-empty string)."];
        }

        if (request.Order is not (null or "in" or "reversed"))
        {
            errors["order"] = ["order must be 'in' or 'reversed'."];
        }

        if (provider == "stripe" && request.Session is { } session && samples.CheckoutSessionOrDefault(session) is null)
        {
            errors["session"] = [$"No seeded checkout session '{session}'."];
        }

        if (provider == "stripe" && request.Customer is { } customer && samples.CustomerOrDefault(customer) is null)
        {
            errors["customer"] = [$"No seeded customer '{customer}'."];
        }

        OutgoingWebhook? resent = null;
        if (request.Resend is { } resend)
        {
            resent = provider switch
            {
                "stripe" => stripeEvents.Find(resend) is { } e ? new OutgoingWebhook("stripe", e.Type, e.Id, e.Body) : null,
                "github" => hookDeliveries.NewestFirst().FirstOrDefault(d => d.Guid == resend)?.Webhook,
                _ => null,
            };
            if (resent is null)
            {
                errors["resend"] = ["resend names a Stripe event or GitHub delivery the sandbox sent before."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (sender.SecretFor(provider!) is null)
        {
            return TypedResults.Problem($"The sandbox has no signing secret for {provider}.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        IReadOnlyList<OutgoingWebhook> webhooks = resent is not null ? [resent] : provider switch
        {
            "github" => [samples.GitHub(request.Type, request.Payload, form: request.Format == "form")],
            "slack" when request.Format == SlashCommandFormat => [samples.SlackSlashCommand(request.Type, request.Payload)],
            "slack" when request.Format == InteractionFormat => [samples.SlackInteraction(request.Type, request.Payload)],
            "slack" => [samples.Slack(request.Type, request.Payload)],
            _ when sender.IsStandardSource(provider!) => [samples.Standard(provider!, request.Type, request.Payload)],
            _ when request.Scenario is not null => samples.CheckoutCompletedScenario(request.Session, request.Order ?? "reversed"),
            _ => [samples.Stripe(request.Type ?? "checkout.session.completed", request.Session, request.Customer, request.Payload)],
        };

        var sent = new List<SentWebhook>();
        foreach (var webhook in webhooks)
        {
            for (var copy = 0; copy <= request.Duplicates; copy++)
            {
                sent.Add(await sender.SendAsync(webhook, copy, request.Drop, cancellationToken));
            }
        }

        return TypedResults.Ok<IReadOnlyList<SentWebhook>>(sent);
    }
}
