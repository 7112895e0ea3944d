namespace Integrations.AppHost.Tests;

/// <summary>
/// Stripe does not preserve order. Whatever order two events about one customer are recorded in,
/// the newer one's fields win and the older one only fills what is still empty.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PaymentEventOrderTests(StackFixture stack)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NewerFieldsWinAndOlderEventsOnlyFillGaps(bool checkoutFirst)
    {
        var customer = $"cus_order{Guid.NewGuid():N}"[..24];
        var checkout = new { eventId = $"evt_checkout{Guid.NewGuid():N}"[..28], customerId = customer, actor = "tests", eventCreated = DateTimeOffset.UtcNow.AddMinutes(-10), email = "old@example.com", plan = "Pro", amount = 4900L, currency = "usd" };
        var update = new { eventId = $"evt_update{Guid.NewGuid():N}"[..28], customerId = customer, actor = "tests", eventCreated = DateTimeOffset.UtcNow.AddMinutes(-5), email = "new@example.com" };
        using var worker = stack.App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.WorkerAdminKey);

        foreach (var request in checkoutFirst ? new object[] { checkout, update } : [update, checkout])
        {
            using var response = await worker.PostAsJsonAsync("/api/actions/record-payment-event", request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var connection = await stack.OpenDatabaseAsync("integrationsdb");
        await using var command = new NpgsqlCommand("SELECT email, plan, amount, currency, last_event_id FROM customers WHERE customer_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = customer });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(("new@example.com", "Pro", 4900L, "usd", update.eventId),
            (reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4)));
    }
}
