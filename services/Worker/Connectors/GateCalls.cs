using Integrations.Gate.Client;

namespace Integrations.Worker.Connectors;

/// <summary>
/// The worker's begins and completes, coalesced across the deliveries it runs at once into the gate's
/// batch calls (<see cref="Coalescer{TItem, TResult}"/>): one round trip carries many effects' keys,
/// and each begin carries the effect's rate-limit decision too. Each caller still gets its own
/// answer, exactly as from <see cref="GateClient.BeginAsync"/> and <see cref="GateClient.CompleteAsync"/>.
/// </summary>
public sealed class GateCalls : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private const int Senders = 2;

    private readonly Coalescer<BeginRequest, BeginResult> _begins;
    private readonly Coalescer<CompleteRequest, SettleResult> _completes;

    public GateCalls(IHttpClientFactory clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        // A client per batch from the factory, as a typed client would be, so handlers rotate as usual.
        GateClient Gate() => new(clients.CreateClient(nameof(GateClient)));
        _begins = new("gate begin batch", (items, ct) => Gate().BeginManyAsync(items, ct), MaxBatch, Senders);
        _completes = new("gate complete batch", (items, ct) => Gate().CompleteManyAsync(items, ct), MaxBatch, Senders);
    }

    public Task<BeginResult> BeginAsync(BeginRequest request, CancellationToken cancellationToken) =>
        _begins.SendAsync(request, cancellationToken);

    public Task<SettleResult> CompleteAsync(CompleteRequest request, CancellationToken cancellationToken) =>
        _completes.SendAsync(request, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _begins.DisposeAsync();
        await _completes.DisposeAsync();
    }
}
