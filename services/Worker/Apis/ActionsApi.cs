using Integrations.Worker.Client;
using System.ComponentModel.DataAnnotations;
using Integrations.Worker.Connectors;
using Integrations.Worker.Queue;
using Integrations.Worker.Flows;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Integrations.Worker.Apis;

/// <summary>
/// The business actions, on demand: <c>/api/actions/send-message</c>, <c>/api/actions/record-payment-event</c>.
/// They run through the same connectors as the flows, so an action claims its idempotency key in the
/// gate, spends the shared rate budget and is audited with the caller's name as actor. The CLI and
/// the MCP server call these. Requires the worker's admin API key.
/// </summary>
public static class ActionsApi
{
    public static RouteGroupBuilder MapActionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/actions").RequireApiKey(QueueApi.AdminKeyConfiguration);
        api.MapPost("/send-message", SendMessageAction);
        api.MapPost("/record-payment-event", RecordPaymentEventAction);
        api.MapPost("/create-ticket", CreateTicketAction);
        api.MapPost("/release-notes", ReleaseNotesAction);
        api.MapPost("/triage-support", TriageSupportAction);
        return api;
    }

    public static Task<Results<Ok<ActionResult>, ValidationProblem, ProblemHttpResult>> SendMessageAction(
        SendMessageRequest request, SendMessage sendMessage, HttpResponse response, CancellationToken cancellationToken) =>
        RunAsync(response, request, "slack", "send_message", async key =>
        {
            var result = await sendMessage.RunAsync(request.Channel!, request.Text!, key, cancellationToken, request.Actor!);
            return new ActionResult(key, result.AlreadyDone ? "skipped" : "succeeded", result.Outcome);
        });

    public static Task<Results<Ok<ActionResult>, ValidationProblem, ProblemHttpResult>> RecordPaymentEventAction(
        RecordPaymentEventRequest request, RecordPaymentEvent recordPaymentEvent, TimeProvider time, HttpResponse response, CancellationToken cancellationToken) =>
        RunAsync(response, request, "stripe", "record_payment_event", async key =>
        {
            var update = new CustomerUpdate(request.EventId!, request.EventCreated ?? time.GetUtcNow(), request.CustomerId!,
                request.Email, request.Name, request.Plan, request.Amount, request.Currency, request.Livemode);
            var applied = await recordPaymentEvent.RunAsync(update, key, cancellationToken, request.Actor!);
            return new ActionResult(key, applied ? "succeeded" : "skipped", request.CustomerId!);
        }, request.EventId);

    public static Task<Results<Ok<ActionResult>, ValidationProblem, ProblemHttpResult>> CreateTicketAction(
        CreateTicketRequest request, CreateTicket createTicket, HttpResponse response, CancellationToken cancellationToken) =>
        RunAsync(response, request, "github", "create_ticket", async key =>
        {
            var result = await createTicket.RunAsync(request.Repository!, request.Title!, request.Body ?? "", request.Labels ?? [], key, cancellationToken, request.Actor!);
            return new ActionResult(key, result.AlreadyDone ? "skipped" : "succeeded", result.Outcome);
        });

    /// <summary>Drafts release notes for <c>until</c> (default: what <c>main</c> has that no tag has) and posts them.</summary>
    public static Task<Results<Ok<ActionResult>, ValidationProblem, ProblemHttpResult>> ReleaseNotesAction(
        ReleaseNotesRequest request, ReleaseNotesFlow flow, IOptions<FlowOptions> options, HttpResponse response, CancellationToken cancellationToken) =>
        RunAsync(response, request, "github", "send_message", async key =>
        {
            var eventId = key[..key.LastIndexOf(':')];
            var (notes, message) = await flow.PublishAsync(request.Repository!, request.Until ?? "main", request.Since,
                request.Channel ?? options.Value.ReleaseNotesChannel, eventId, request.Actor!, cancellationToken);
            return new ActionResult(key, message.AlreadyDone ? "skipped" : "succeeded", message.Outcome) { Details = notes };
        });

    /// <summary>Triages the support export; the answer lists each row's category and issue.</summary>
    public static Task<Results<Ok<ActionResult>, ValidationProblem, ProblemHttpResult>> TriageSupportAction(
        TriageSupportRequest request, SupportTriageFlow flow, HttpResponse response, CancellationToken cancellationToken) =>
        RunAsync(response, request, "google", "triage_support", async key =>
        {
            var runId = key.Split(':')[1];
            var rows = await flow.RunAsync(request.ConnectionId!.Value, request.FileId!, request.Repository!, runId, request.Actor!, cancellationToken);
            var filed = rows.Count(r => r.IssueUrl is not null && !r.AlreadyFiled);
            return new ActionResult(key, filed > 0 ? "succeeded" : "skipped", $"{filed} issue(s) created") { Rows = rows };
        });

    /// <summary>
    /// Validates the request, derives the idempotency key (<c>provider:event:action</c>; the caller's
    /// own key, or a fresh one when it gives none) and maps connector failures to problem details.
    /// </summary>
    private static async Task<Results<Ok<ActionResult>, ValidationProblem, ProblemHttpResult>> RunAsync(
        HttpResponse response,
        IActionRequest request, string provider, string action, Func<string, Task<ActionResult>> run, string? eventId = null)
    {
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), errors, validateAllProperties: true))
        {
            return TypedResults.ValidationProblem(errors
                .SelectMany(e => e.MemberNames.DefaultIfEmpty("").Select(m => (Member: JsonName(m), e.ErrorMessage ?? "Invalid.")))
                .GroupBy(e => e.Member)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Item2).ToArray()));
        }

        var key = request.IdempotencyKey ?? $"{provider}:{eventId ?? Guid.NewGuid().ToString("N")}:{action}";
        try
        {
            return TypedResults.Ok(await run(key));
        }
        catch (ProviderRateLimitedException ex)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(ex.RetryAfter.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status429TooManyRequests, "The provider is rate limiting.",
                $"{ex.Message} Every worker waits too. Retry after {seconds} s with the same idempotency key.");
        }
        catch (DeferredFlowException ex)
        {
            return Problem(StatusCodes.Status429TooManyRequests, "Not now.",
                $"{ex.Message} Retry after {Math.Ceiling(ex.NotBefore.TotalSeconds)} s with the same idempotency key.");
        }
        catch (PermanentFlowException ex)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "The action cannot be performed.", ex.Message);
        }
        catch (HttpRequestException)
        {
            return Problem(StatusCodes.Status502BadGateway, "A service the action depends on failed.",
                "The action may not have completed. Retry with the same idempotency key: it will not be performed twice.");
        }
        catch (TimeoutRejectedException)
        {
            // The provider may have acted without answering: the key is released as reclaimable, so a
            // retry first looks for the effect at the provider (the connector's recovery check).
            return Problem(StatusCodes.Status504GatewayTimeout, "A service the action depends on did not answer in time.",
                "The action may have completed. Retry with the same idempotency key: it will not be performed twice.");
        }
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);

    private static string JsonName(string member) =>
        member.Length == 0 ? "" : char.ToLowerInvariant(member[0]) + member[1..];
}
