using Integrations.Receiver;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Integrations.Services.Tests;

public sealed class DeliveryStoreTests
{
    [Fact]
    public async Task ADeliveryOfferedAfterShutdownIsRefusedAsUnavailable()
    {
        // Nothing is written here, so the database is never reached.
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=9;Database=unused;Username=unused");
        var store = new DeliveryStore(dataSource, new DeliveryAnnouncer(dataSource, NullLogger<DeliveryAnnouncer>.Instance), NullLogger<DeliveryStore>.Instance);
        await store.StartAsync(CancellationToken.None);
        await store.StopAsync(CancellationToken.None);

        var stored = store.StoreAsync(new InboundDelivery("github", "late-1", "ping", new Dictionary<string, string>(), "{}"u8.ToArray()), CancellationToken.None);

        // A refusal the handler turns into 503, not a caller left waiting for a writer that is gone.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => stored.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
