namespace Integrations.AppHost.Tests;

/// <summary>Makes gaps (webhooks the sandbox records as sent but drops) and runs gap recovery through the worker's API.</summary>
public static class Backfill
{
    /// <summary>Sends through the sandbox with <c>drop</c>: the provider lists each as sent, the receiver never sees it. Answers the ids.</summary>
    public static async Task<List<string>> DropAsync(this StackFixture stack, object request)
    {
        ArgumentNullException.ThrowIfNull(stack);
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        using var response = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", request);
        response.EnsureSuccessStatusCode();
        var sent = await response.Content.ReadFromJsonAsync<List<JsonElement>>() ?? [];
        Assert.All(sent, s => Assert.True(s.GetProperty("dropped").GetBoolean()));
        return [.. sent.Select(s => s.GetProperty("deliveryId").GetString()!).Distinct()];
    }

    /// <summary>Sends one webhook through the sandbox (e.g. a <c>resend</c> of a dropped one); answers what the receiver said.</summary>
    public static async Task<JsonElement> SendAsync(this StackFixture stack, object request)
    {
        ArgumentNullException.ThrowIfNull(stack);
        using var sandbox = stack.App.CreateHttpClient("sandbox");
        using var response = await sandbox.PostAsJsonAsync("/_sandbox/webhooks", request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return Assert.Single(await response.Content.ReadFromJsonAsync<List<JsonElement>>() ?? []);
    }

    /// <summary><c>POST api/backfill/{source}?since=</c> as actor <c>tests</c>.</summary>
    public static async Task<BackfillResult> BackfillAsync(this StackFixture stack, string source, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(stack);
        using var worker = stack.CreatePlainWorkerAdminClient();
        worker.DefaultRequestHeaders.Add("X-Actor", "tests");
        using var response = await worker.PostAsync($"/api/backfill/{source}?since={Uri.EscapeDataString(since.ToString("O"))}", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<BackfillResult>())!;
    }

    /// <summary>How many rows <c>deliveries</c> holds for the delivery: the dedup's own count.</summary>
    public static Task<long> StoredCountAsync(this StackFixture stack, string provider, string deliveryId) =>
        stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries WHERE provider = $1 AND delivery_id = $2", provider, deliveryId);

    /// <summary>Waits until the receiver's status API shows the delivery done; answers its status.</summary>
    public static async Task<JsonElement> WaitUntilDoneAsync(this StackFixture stack, string provider, string deliveryId)
    {
        ArgumentNullException.ThrowIfNull(stack);
        using var receiver = stack.CreateReceiverAdminClient();
        var done = await StackFixture.EventuallyAsync<object>(async () =>
        {
            using var response = await receiver.GetAsync($"/deliveries/{provider}/{deliveryId}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var status = await response.Content.ReadFromJsonAsync<JsonElement>();
            return status.GetProperty("state").GetString() == "done" ? status : null;
        }, $"{provider}/{deliveryId} to be done");
        return (JsonElement)done;
    }
}
