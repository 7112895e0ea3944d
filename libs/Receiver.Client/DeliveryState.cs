namespace Integrations.Receiver.Client;

/// <summary>
/// The states of a stored delivery (<c>deliveries.state</c>), owned here for every project that
/// writes or reads them: the receiver stores deliveries and answers <c>/deliveries</c>, the worker
/// moves them, the CLI filters by them.
/// <list type="bullet">
/// <item><see cref="Received"/>: stored by the receiver (202 answered), or put back: deferred, redriven or replayed.</item>
/// <item><see cref="Processing"/>: claimed by a worker under a lease; an expired lease makes it claimable again.</item>
/// <item><see cref="Done"/>: its flow finished. Final, except that an operator may replay it.</item>
/// <item><see cref="Failed"/>: an attempt failed; due again after its backoff.</item>
/// <item><see cref="Dead"/>: out of attempts or failed permanently; waits for an operator's redrive.</item>
/// </list>
/// </summary>
public static class DeliveryState
{
    public const string Received = "received";
    public const string Processing = "processing";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Dead = "dead";

    /// <summary>Every state, in the order a delivery passes through them.</summary>
    public static IReadOnlyList<string> All { get; } = [Received, Processing, Done, Failed, Dead];
}
