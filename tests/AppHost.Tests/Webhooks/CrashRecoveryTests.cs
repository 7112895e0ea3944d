using System.Diagnostics;

namespace Integrations.AppHost.Tests;

/// <summary>
/// A 202 means the delivery is committed: killing the receiver with SIGKILL right after it, before
/// any worker has run, loses nothing, and the next start of the stack processes it.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly ThrowawayStack _stack = new("crash");

    [Fact]
    public async Task DeliveriesAcknowledgedBeforeTheReceiverIsKilledAreProcessedAfterRestart()
    {
        var ids = new List<string>();
        await using (var first = await StartAsync(workerRuns: false))
        {
            using (var receiver = first.CreateHttpClient("receiver"))
            {
                for (var i = 0; i < 5; i++)
                {
                    var (request, id) = InboundWebhookTests.SignedDelivery("github");
                    using var response = await receiver.SendAsync(request);
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                    ids.Add(id);
                }
            }

            Assert.True(first.ResourceNotifications.TryGetCurrentState("receiver", out var receiverState));
            var pid = Convert.ToInt32(receiverState!.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);
            // Aspire may run the project through `dotnet run`: SIGKILL the whole tree, the service included.
            Process.GetProcessById(pid).Kill(entireProcessTree: true);
        }

        await using var second = await StartAsync(workerRuns: true);
        using var http = second.CreateHttpClient("receiver");
        http.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.ReceiverAdminKey);
        foreach (var id in ids)
        {
            await StackFixture.EventuallyAsync(async () =>
            {
                using var response = await http.GetAsync($"/deliveries/github/{id}");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return null;
                }

                var status = await response.Content.ReadFromJsonAsync<JsonElement>();
                return status.GetProperty("state").GetString() == "done" ? (object)status : null;
            }, $"delivery {id} to be processed after the restart");
        }
    }

    private Task<DistributedApplication> StartAsync(bool workerRuns) =>
        _stack.StartAsync(
            ["Infra:Mode=local", $"GITHUB_WEBHOOK_SECRET={StackFixture.GitHubWebhookSecret}", $"Parameters:receiver-admin-key={StackFixture.ReceiverAdminKey}"],
            // Without the worker the deliveries can only be in the database.
            builder => { if (!workerRuns) { builder.CreateResourceBuilder<ProjectResource>("worker").WithExplicitStart(); } },
            workerRuns ? ["receiver", "worker"] : ["receiver"]);

    public void Dispose() => _stack.Dispose();
}
