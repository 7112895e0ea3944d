namespace Integrations.AppHost.Tests;

[Collection(StackCollection.Name)]
public sealed class SecretRotationTests(StackFixture stack)
{
    [Fact]
    public async Task RotationIsAuditedAppliesAtOnceAndNeverExposesTheSecret()
    {
        var newSecret = $"rotated-{Guid.NewGuid():N}";
        var actor = $"alice-{Guid.NewGuid():N}"[..20];
        using var receiver = stack.App.CreateHttpClient("receiver");
        receiver.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.ReceiverAdminKey);

        Assert.Equal(HttpStatusCode.Unauthorized, await SendDeliveryAsync(newSecret));

        using var added = await receiver.PostAsJsonAsync("/admin/sources/github/secrets", new { secret = newSecret, actor });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var info = await added.Content.ReadFromJsonAsync<JsonElement>();
        var id = info.GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.Accepted, await SendDeliveryAsync(newSecret));
        Assert.Equal(HttpStatusCode.Accepted, await SendDeliveryAsync(StackFixture.GitHubWebhookSecret));

        var listing = await receiver.GetStringAsync("/admin/sources/github/secrets");
        Assert.Contains(actor, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(newSecret, listing, StringComparison.Ordinal);
        Assert.Equal(0, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM webhook_secrets WHERE protected_secret LIKE '%' || $1 || '%'", newSecret));

        using var retired = await receiver.DeleteAsync($"/admin/sources/github/secrets/{id}?actor={actor}");
        Assert.Equal(HttpStatusCode.NoContent, retired.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SendDeliveryAsync(newSecret));

        // Adding and retiring are two different rows, each naming the secret's id, never its value.
        var rows = await stack.GetAuditRowsAsync<JsonElement>($"?actor={actor}&provider=github&limit=1000");
        Assert.Equal(
            [("AddWebhookSecret", $"github/secrets/{id}"), ("RetireWebhookSecret", $"github/secrets/{id}")],
            rows.Select(r => (r.GetProperty("action").GetString(), r.GetProperty("target").GetString())).Order());
        Assert.DoesNotContain(newSecret, JsonSerializer.Serialize(rows), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task RotationApiRefusesCallersWithoutTheAdminKey(string? key)
    {
        using var receiver = stack.App.CreateHttpClient("receiver");
        if (key is not null)
        {
            receiver.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        using var list = await receiver.GetAsync("/admin/sources/github/secrets");
        using var add = await receiver.PostAsJsonAsync("/admin/sources/github/secrets", new { secret = "intruder-secret-0001", actor = "mallory" });

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, add.StatusCode);
        Assert.Equal(0, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM webhook_secrets WHERE added_by = 'mallory'"));
    }

    [Fact]
    public async Task TooShortSecretIsRefusedWithAValidationProblem()
    {
        using var receiver = stack.App.CreateHttpClient("receiver");
        receiver.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.ReceiverAdminKey);

        using var response = await receiver.PostAsJsonAsync("/admin/sources/github/secrets", new { secret = "short", actor = "bob" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("short\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> SendDeliveryAsync(string secret)
    {
        var deliveryId = Guid.NewGuid().ToString();
        var body = GitHubDelivery.PushPayload($"acme/rotate-{deliveryId[..8]}");
        using var receiver = stack.App.CreateHttpClient("receiver");
        using var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, secret), eventType: "ping"));
        return response.StatusCode;
    }
}
