using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Integrations.AppHost.Tests;

/// <summary>The operator commands on the dashboard: declared on their resources, and runnable through the app model.</summary>
[Collection(StackCollection.Name)]
public sealed class DashboardCommandTests(StackFixture stack)
{
    [Fact]
    public void WorkerAndReceiverCarryTheOperatorCommands()
    {
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();

        Assert.Contains(OperatorCommandExtensions.RedriveDeadLetters, Commands(model, "worker"));
        Assert.Contains(OperatorCommandExtensions.ReplayDelivery, Commands(model, "worker"));
        Assert.Contains(OperatorCommandExtensions.BackfillDeliveries, Commands(model, "worker"));
        Assert.Contains(OperatorCommandExtensions.RotateWebhookSecret, Commands(model, "receiver"));
    }

    [Theory]
    [InlineData("Running", HealthStatus.Healthy, true)]
    [InlineData("Running", HealthStatus.Degraded, true)]
    [InlineData("Running", HealthStatus.Unhealthy, true)]
    [InlineData("Starting", null, false)]
    [InlineData("Exited", null, false)]
    public void TheWorkersCommandsAreEnabledWhileItRunsHealthyOrNot(string state, HealthStatus? health, bool enabled)
    {
        // A worker degraded by a failed gap recovery must still take the command that runs it again.
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();
        var snapshot = new CustomResourceSnapshot { ResourceType = "Project", Properties = [], State = new ResourceStateSnapshot(state, null) }
            .WithHealthReports([new HealthReportSnapshot("worker_check", health, null, null)]);
        var context = new UpdateCommandStateContext { ResourceSnapshot = snapshot, Services = stack.App.Services };

        string[] ours = [OperatorCommandExtensions.RedriveDeadLetters, OperatorCommandExtensions.ReplayDelivery, OperatorCommandExtensions.BackfillDeliveries];
        var commands = model.Resources.Single(r => r.Name == "worker").Annotations.OfType<ResourceCommandAnnotation>().Where(c => ours.Contains(c.Name)).ToList();
        Assert.Equal(ours.Length, commands.Count);
        foreach (var command in commands)
        {
            Assert.Equal(enabled ? ResourceCommandState.Enabled : ResourceCommandState.Disabled, command.UpdateState(context));
        }
    }

    [Fact]
    public async Task RedriveAndReplayRunAgainstTheWorkerWithItsKey()
    {
        var commands = stack.App.Services.GetRequiredService<ResourceCommandService>();

        var redrive = await commands.ExecuteCommandAsync("worker", OperatorCommandExtensions.RedriveDeadLetters).WaitAsync(StackFixture.StepTimeout);
        var replay = await commands.ExecuteCommandAsync("worker", OperatorCommandExtensions.ReplayDelivery,
            Inputs(("provider", "github"), ("deliveryId", Guid.NewGuid().ToString()))).WaitAsync(StackFixture.StepTimeout);

        Assert.True(redrive.Success, redrive.Message);
        Assert.StartsWith("Requeued ", redrive.Message, StringComparison.Ordinal);
        Assert.False(replay.Success);
        Assert.Contains("No stored delivery", replay.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackfillCommandRecoversLostDeliveriesOfEverySource()
    {
        var eventId = Assert.Single(await stack.DropAsync(new { provider = "stripe", type = "invoice.voided", drop = true }));
        var guid = Assert.Single(await stack.DropAsync(new { provider = "github", type = "ping", drop = true }));
        var commands = stack.App.Services.GetRequiredService<ResourceCommandService>();

        var backfill = await commands.ExecuteCommandAsync("worker", OperatorCommandExtensions.BackfillDeliveries).WaitAsync(StackFixture.StepTimeout);

        Assert.True(backfill.Success, backfill.Message);
        Assert.Contains("stripe: ", backfill.Message, StringComparison.Ordinal);
        Assert.Contains("github: ", backfill.Message, StringComparison.Ordinal);
        Assert.Equal(1, await stack.StoredCountAsync("stripe", eventId));
        await StackFixture.EventuallyAsync(async () => await stack.StoredCountAsync("github", guid) == 1 ? "" : null, $"github/{guid} to be redelivered");
        var run = await stack.AuditRowsAsync("action=Backfill&target=backfill/stripe");
        Assert.Contains(run, r => r.GetProperty("actor").GetString() == "aspire-dashboard");
    }

    [Fact]
    public async Task RotateAddsASecretTheReceiverThenAccepts()
    {
        var secret = $"dashboard-{Guid.NewGuid():N}";
        var commands = stack.App.Services.GetRequiredService<ResourceCommandService>();

        var rotate = await commands.ExecuteCommandAsync("receiver", OperatorCommandExtensions.RotateWebhookSecret,
            Inputs(("source", "github"), ("secret", secret), ("retireOthers", "false"))).WaitAsync(StackFixture.StepTimeout);

        Assert.True(rotate.Success, rotate.Message);
        Assert.DoesNotContain(secret, rotate.Message ?? "", StringComparison.Ordinal);
        var deliveryId = Guid.NewGuid().ToString();
        var body = GitHubDelivery.PushPayload($"acme/dash-{deliveryId[..8]}");
        using var receiver = stack.CreateReceiverAdminClient();
        using (var response = await receiver.SendAsync(GitHubDelivery.Request(body, deliveryId, GitHubDelivery.Sign(body, secret), eventType: "ping")))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var id = rotate.Message!.Split('#', ';')[1];
        using var cleanup = await receiver.DeleteAsync($"/admin/sources/github/secrets/{id}?actor=tests");
        Assert.Equal(HttpStatusCode.NoContent, cleanup.StatusCode);
    }

    private static List<string> Commands(DistributedApplicationModel model, string resource) =>
        [.. model.Resources.Single(r => r.Name == resource).Annotations.OfType<ResourceCommandAnnotation>().Select(c => c.Name)];

    private static InteractionInputCollection Inputs(params (string Name, string Value)[] values) =>
        new([.. values.Select(v => new InteractionInput { Name = v.Name, InputType = v.Name == "retireOthers" ? InputType.Boolean : InputType.Text, Value = v.Value })]);
}
