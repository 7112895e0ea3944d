namespace Integrations.AppHost.Tests;

/// <summary>Deliveries run through the stack to the end, to replay or preview afterwards, and reading their previews.</summary>
public static class RecordedRuns
{
    /// <summary>Sends a signed GitHub push and waits until its summary is posted and the delivery is done; returns its trace id.</summary>
    public static async Task<string> PushUntilDoneAsync(this StackFixture stack, string deliveryId, string repository)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var body = GitHubDelivery.PushPayload(repository);
        using var receiver = stack.CreateReceiverAdminClient();
        string traceId;
        using (var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, StackFixture.GitHubWebhookSecret))))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString()!;
        }

        await stack.WaitForAuditRowAsync($"github:{deliveryId}:send_message", "succeeded");
        await stack.WaitForDeliveryStateAsync("github", deliveryId, "done");
        return traceId;
    }

    public static Task<object> WaitForDeliveryStateAsync(this StackFixture stack, string provider, string deliveryId, string state)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return StackFixture.EventuallyAsync(async () =>
        {
            using var receiver = stack.CreateReceiverAdminClient();
            var status = await receiver.GetFromJsonAsync<JsonElement>($"/deliveries/{provider}/{deliveryId}");
            return status.GetProperty("state").GetString() == state ? (object)status : null;
        }, $"{provider} delivery {deliveryId} to be {state}");
    }

    /// <summary>
    /// Asks the worker for a replay preview under a trace of the test's own (<paramref name="traceId"/>), so
    /// that any provider call or audit row the preview caused would carry it.
    /// </summary>
    public static async Task<HttpResponseMessage> RequestPreviewAsync(this StackFixture stack, string provider, string deliveryId, string traceId)
    {
        ArgumentNullException.ThrowIfNull(stack);
        using var worker = stack.CreateWorkerAdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/deliveries/{provider}/{deliveryId}/replay-preview");
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16]}-01");
        return await worker.SendAsync(request);
    }

    public static async Task<ReplayPreview> PreviewAsync(this StackFixture stack, string provider, string deliveryId, string traceId)
    {
        using var response = await stack.RequestPreviewAsync(provider, deliveryId, traceId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ReplayPreview>())!;
    }

    public static string NewTraceId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
}
