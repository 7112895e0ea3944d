namespace Integrations.AppHost.Tests;

/// <summary>Waits for a delivery to show up in the worker's dead-letter list, as an operator would see it.</summary>
public static class DeadLetters
{
    public static async Task<JsonElement> WaitForDeadLetterAsync(this StackFixture stack, string provider, string deliveryId)
    {
        ArgumentNullException.ThrowIfNull(stack);
        using var worker = stack.App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.WorkerAdminKey);
        return (JsonElement)await StackFixture.EventuallyAsync(
            async () => (await worker.GetFromJsonAsync<List<JsonElement>>($"/api/dead-letters?provider={provider}&limit=500"))!
                .Where(d => d.GetProperty("deliveryId").GetString() == deliveryId).Select(d => (object)d).FirstOrDefault(),
            $"{provider} delivery {deliveryId} to be dead-lettered");
    }
}
