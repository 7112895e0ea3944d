using System.Text.Json;
using Integrations.Worker.Connectors;
using Integrations.Worker.Queue;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Flows;

/// <summary>
/// Stripe <c>checkout.session.completed</c> → a new paying customer, in three steps, each safe to repeat:
/// <list type="number">
/// <item><see cref="RecordPaymentEvent"/>: the internal customer record, applied only if this event is
/// newer than what is stored (a late or repeated event changes nothing). Plan, amount or email the
/// event lacks are read from the session at Stripe first (<see cref="LookUpCheckout"/>).</item>
/// <item><see cref="ActivateCustomer"/> at Stripe, key <c>stripe:{event_id}:activate_customer</c>.</item>
/// <item><see cref="SendMessage"/> to <see cref="FlowOptions.BillingChannel"/>, key <c>stripe:{event_id}:send_message</c>.</item>
/// </list>
/// A failure anywhere fails the delivery; the queue retries it and the steps already done are
/// skipped by their keys. Duplicates of the event are dropped by the receiver, and a replay skips too.
/// </summary>
public sealed class BillingFlow(
    RecordPaymentEvent recordPaymentEvent,
    LookUpCheckout lookUpCheckout,
    ActivateCustomer activateCustomer,
    SendMessage sendMessage,
    IOptions<FlowOptions> options) : IDeliveryFlow
{
    public const string EventType = "checkout.session.completed";

    public static bool Handles(string provider, string eventType) => provider == "stripe" && eventType == EventType;

    public async Task RunAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);

        CustomerUpdate customer;
        string sessionId;
        try
        {
            customer = StripeCustomerFlow.Parse(delivery.Body);
            using var document = JsonDocument.Parse(delivery.Body);
            sessionId = document.RootElement.GetProperty("data").GetProperty("object").GetProperty("id").GetString()
                ?? throw new FormatException("The session has no id.");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new PermanentFlowException("The checkout event has no usable session or customer.", ex);
        }

        if (customer.Plan is null || customer.Amount is null || customer.Currency is null || customer.Email is null)
        {
            var details = await lookUpCheckout.RunAsync(sessionId, $"stripe:{customer.EventId}:look_up_checkout", cancellationToken);
            customer = customer with
            {
                Plan = customer.Plan ?? details.Plan,
                Amount = customer.Amount ?? details.Amount,
                Currency = customer.Currency ?? details.Currency,
                Email = customer.Email ?? details.Email,
                Name = customer.Name ?? details.Name,
            };
        }

        var eventId = customer.EventId;
        await recordPaymentEvent.RunAsync(customer, $"stripe:{eventId}:record_payment_event", cancellationToken);

        var plan = customer.Plan ?? throw new PermanentFlowException($"Checkout session {sessionId} names no plan, in the event or at Stripe.");
        await activateCustomer.RunAsync(customer.CustomerId, plan, eventId, $"stripe:{eventId}:activate_customer", cancellationToken);

        var notice = new NewCustomerNotice(customer.Email ?? customer.CustomerId, plan, customer.Amount, customer.Currency);
        await sendMessage.RunAsync(options.Value.BillingChannel, notice.Text, $"stripe:{eventId}:send_message", cancellationToken);
    }
}
