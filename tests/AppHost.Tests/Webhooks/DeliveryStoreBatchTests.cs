using Integrations.Receiver;
using Microsoft.Extensions.Logging.Abstractions;

namespace Integrations.AppHost.Tests;

/// <summary>
/// The receiver's group commit against the stack's real PostgreSQL, below the HTTP checks that
/// normally keep a refused value out: one row PostgreSQL refuses does not fail the rows it shares a
/// statement with.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DeliveryStoreBatchTests(StackFixture stack)
{
    [Fact]
    public async Task ARowPostgreSqlRefusesIsRefusedAloneAndTheRestOfItsBatchIsStored()
    {
        var connectionString = await stack.App.GetConnectionStringAsync("integrationsdb");
        await using var dataSource = NpgsqlDataSource.Create(connectionString!);
        var store = new DeliveryStore(dataSource, new DeliveryAnnouncer(dataSource, NullLogger<DeliveryAnnouncer>.Instance), NullLogger<DeliveryStore>.Instance);
        var run = Guid.NewGuid().ToString("N");
        Task<StoreResult> Store(string id, IReadOnlyDictionary<string, string> headers) =>
            store.StoreAsync(new InboundDelivery("github", id, "ping", headers, "{}"u8.ToArray()), CancellationToken.None);

        // Queued before the writer starts, so all six go into one statement.
        var good = Enumerable.Range(0, 5).Select(i => Store($"batch-{run}-{i}", new Dictionary<string, string>())).ToList();
        var refused = Store($"batch-{run}-nul", new Dictionary<string, string> { ["X-GitHub-Event"] = "pi\0ng" });
        await store.StartAsync(CancellationToken.None);
        try
        {
            var stored = await Task.WhenAll(good).WaitAsync(StackFixture.StepTimeout);

            Assert.All(stored, s => Assert.False(s.Duplicate));
            await Assert.ThrowsAsync<DeliveryRefusedException>(() => refused.WaitAsync(StackFixture.StepTimeout));
            Assert.Equal(5, await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries WHERE delivery_id LIKE $1", $"batch-{run}-%"));
        }
        finally
        {
            await store.StopAsync(CancellationToken.None);
        }
    }
}
