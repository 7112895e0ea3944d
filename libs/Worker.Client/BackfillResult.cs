namespace Integrations.Worker.Client;

/// <summary>
/// What one gap-recovery run of a source found (<c>POST api/backfill/{source}</c>): how many deliveries the
/// provider reports since <see cref="Since"/>, and the ids of those that were never stored and were recovered
/// now. Stripe's are stored at once, from the event list; GitHub's are redelivered by GitHub on request and
/// arrive at the receiver like any other delivery.
/// </summary>
/// <param name="Source">The webhook source: <c>stripe</c> or <c>github</c>.</param>
/// <param name="Method"><c>stored</c> (read from the provider's API and stored) or <c>redelivery</c> (the provider was asked to send it again).</param>
public sealed record BackfillResult(string Source, DateTimeOffset Since, int Found, IReadOnlyList<string> Recovered, string Method);
