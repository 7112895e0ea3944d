using System.Text.Json;
using Integrations.Worker.Connectors;
using Integrations.Worker.Queue;

namespace Integrations.Worker.Flows;

/// <summary>
/// Stripe <c>customer.created</c> and <c>customer.updated</c> → the internal customer record, applied
/// only if newer than what is stored. <see cref="Parse"/> also reads <c>checkout.session.completed</c>,
/// for <see cref="BillingFlow"/>.
/// </summary>
public sealed class StripeCustomerFlow(RecordPaymentEvent recordPaymentEvent) : IDeliveryFlow
{
    private static readonly HashSet<string> s_types = ["customer.created", "customer.updated"];

    public static bool Handles(string provider, string eventType) => provider == "stripe" && s_types.Contains(eventType);

    public async Task RunAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);

        CustomerUpdate update;
        try
        {
            update = Parse(delivery.Body);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new PermanentFlowException("The Stripe event has no usable customer.", ex);
        }

        await recordPaymentEvent.RunAsync(update, $"stripe:{update.EventId}:record_payment_event", cancellationToken);
    }

    internal static CustomerUpdate Parse(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var eventId = root.GetProperty("id").GetString()!;
        var created = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("created").GetInt64());
        var livemode = root.GetProperty("livemode").GetBoolean();
        var type = root.GetProperty("type").GetString();
        var data = root.GetProperty("data").GetProperty("object");

        if (type == "checkout.session.completed")
        {
            var customer = data.GetProperty("customer").GetString() ?? throw new FormatException("The session has no customer.");
            var details = data.TryGetProperty("customer_details", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            return new CustomerUpdate(
                eventId, created, customer,
                Email: details.ValueKind == JsonValueKind.Object ? String(details, "email") : null,
                Name: details.ValueKind == JsonValueKind.Object ? String(details, "name") : null,
                Plan: data.TryGetProperty("metadata", out var metadata) ? String(metadata, "plan") : null,
                Amount: data.TryGetProperty("amount_total", out var amount) && amount.ValueKind == JsonValueKind.Number ? amount.GetInt64() : null,
                Currency: String(data, "currency"),
                livemode);
        }

        return new CustomerUpdate(eventId, created, data.GetProperty("id").GetString()!,
            String(data, "email"), String(data, "name"), Plan: null, Amount: null, Currency: null, livemode);
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
