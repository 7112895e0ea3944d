using System.Threading.Channels;
using Npgsql;

namespace Integrations.Receiver;

/// <summary>
/// Wakes the workers with <c>NOTIFY deliveries</c> after new deliveries are committed, in a
/// transaction of its own. PostgreSQL serialises the commits of notifying transactions (a notifying
/// commit holds a database-wide lock until its WAL is flushed), so a NOTIFY inside every insert would
/// stop concurrent inserts from sharing an fsync. Announcements made while a NOTIFY is under way,
/// or within <see cref="Spacing"/> after it, gather into the next one, however many deliveries
/// arrive: one per insert batch was a large share of the database's transactions and woke the
/// workers far more often than they claim (docs/decisions/spaced-delivery-notifications.md). The
/// first announcement after a quiet spell goes out at once.
/// <para>
/// A notification is only a wake-up: the row is what is durable. If one is lost (this process
/// stops, PostgreSQL is briefly unreachable), the workers' poll finds the delivery a moment later.
/// </para>
/// </summary>
public sealed class DeliveryAnnouncer(NpgsqlDataSource dataSource, ILogger<DeliveryAnnouncer> logger) : BackgroundService
{
    public const string NotifyChannel = Integrations.DeliveryStorage.DeliveryRows.NotifyChannel;

    /// <summary>The pause after each NOTIFY, during which further announcements gather into the next one.</summary>
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(2);

    // Holds at most one request: while one is pending, further ones are covered by it.
    private readonly Channel<bool> _announced = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>Asks for a notification; returns at once.</summary>
    public void Announce() => _announced.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _announced.Reader.ReadAsync(stoppingToken);
                await using (var notify = dataSource.CreateCommand($"NOTIFY {NotifyChannel}"))
                {
                    await notify.ExecuteNonQueryAsync(stoppingToken);
                }

                await Task.Delay(Spacing, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                ReceiverLog.AnnounceFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
