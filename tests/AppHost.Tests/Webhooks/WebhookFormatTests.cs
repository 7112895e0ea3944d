namespace Integrations.AppHost.Tests;

/// <summary>
/// Issue 20: the formats real senders use, each through the real stack: accepted, stored, processed to
/// <c>done</c>, and a resend recognised as a duplicate.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class WebhookFormatTests(StackFixture stack)
{
    [Fact]
    public async Task AFormEncodedGitHubPushIsStoredAsItsJsonPayloadSummarisedAndItsResendIsADuplicate()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var repository = $"acme/form-{deliveryId[..8]}";
        var json = GitHubDelivery.PushPayload(repository);
        using var receiver = stack.App.CreateHttpClient("receiver");

        using var first = await receiver.SendAsync(Webhooks.GitHubForm(json, deliveryId, StackFixture.GitHubWebhookSecret));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await WaitForStateAsync("github", deliveryId, "done");
        using var resent = await receiver.SendAsync(Webhooks.GitHubForm(json, deliveryId, StackFixture.GitHubWebhookSecret));

        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.True((await resent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries WHERE provider = 'github' AND delivery_id = $1 AND body = $2", deliveryId, json));
        // The push flow read the stored JSON as it reads a JSON hook's: its summary names the repository.
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString()!.Contains(repository, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("slash_command")]
    [InlineData("block_actions")]
    public async Task ASlackCommandOrInteractionIsAcknowledgedEmptyStoredDoneAndItsResendIsADuplicate(string eventType)
    {
        var triggerId = $"{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}.4242.{Guid.NewGuid():N}";
        var form = eventType == "slash_command" ? Webhooks.SlackSlashCommand(triggerId, "in Berlin + tomorrow") : Webhooks.SlackInteraction(eventType, triggerId);
        using var receiver = stack.App.CreateHttpClient("receiver");

        using var first = await receiver.SendAsync(Webhooks.SlackForm(form, StackFixture.SlackSigningSecret));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var status = await WaitForStateAsync("slack", triggerId, "done");
        using var resent = await receiver.SendAsync(Webhooks.SlackForm(form, StackFixture.SlackSigningSecret));

        Assert.Empty(await first.Content.ReadAsByteArrayAsync());
        Assert.Equal((triggerId, "false"), (Header(first, "X-Delivery-Id"), Header(first, "X-Delivery-Duplicate")));
        Assert.Equal((eventType, 1), (status.GetProperty("eventType").GetString(), status.GetProperty("attempts").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Empty(await resent.Content.ReadAsByteArrayAsync());
        Assert.Equal("true", Header(resent, "X-Delivery-Duplicate"));
        Assert.Equal(1, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries WHERE provider = 'slack' AND delivery_id = $1", triggerId));
        await using var connection = await stack.OpenDatabaseAsync("integrationsdb");
        await using var read = new Npgsql.NpgsqlCommand("SELECT body FROM deliveries WHERE provider = 'slack' AND delivery_id = $1", connection) { Parameters = { new() { Value = triggerId } } };
        using var stored = JsonDocument.Parse((byte[])(await read.ExecuteScalarAsync())!);
        Assert.Equal(triggerId, stored.RootElement.GetProperty("trigger_id").GetString());
        if (eventType == "slash_command")
        {
            Assert.Equal(("/weather", "in Berlin + tomorrow"), (stored.RootElement.GetProperty("command").GetString(), stored.RootElement.GetProperty("text").GetString()));
        }
        else
        {
            Assert.Equal("yes & more", stored.RootElement.GetProperty("actions")[0].GetProperty("value").GetString());
        }
    }

    [Fact]
    public async Task AStandardWebhooksV1aDeliveryVerifiesWithTheSourcesPublicKeyIsDoneAndItsResendIsADuplicate()
    {
        var id = $"msg_{Guid.NewGuid():N}";
        var body = Encoding.UTF8.GetBytes("""{"type":"invoice.paid","data":{"id":"in_1"}}""");
        // Beside the v1a entry, a v1 entry no key of this source can match: any valid entry passes.
        var foreignV1 = "v1," + Convert.ToBase64String(new byte[32]);
        using var receiver = stack.App.CreateHttpClient("receiver");

        using var first = await receiver.SendAsync(Webhooks.StandardV1a("acme-signed", id, body, StackFixture.AcmeSignedSigningKey, foreignV1));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await WaitForStateAsync("acme-signed", id, "done");
        using var resent = await receiver.SendAsync(Webhooks.StandardV1a("acme-signed", id, body, StackFixture.AcmeSignedSigningKey));

        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.True((await resent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries WHERE provider = 'acme-signed' AND delivery_id = $1 AND body = $2", id, body));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private async Task<JsonElement> WaitForStateAsync(string provider, string deliveryId, string state)
    {
        using var receiver = stack.CreateReceiverAdminClient();
        var status = await StackFixture.EventuallyAsync<object>(async () =>
        {
            using var response = await receiver.GetAsync($"/deliveries/{provider}/{Uri.EscapeDataString(deliveryId)}");
            return response.StatusCode == HttpStatusCode.OK && await response.Content.ReadFromJsonAsync<JsonElement>() is var s && s.GetProperty("state").GetString() == state ? s : null;
        }, $"{provider} delivery {deliveryId} to reach '{state}'");
        return (JsonElement)status;
    }
}
