namespace Integrations.Gate.Client;

/// <summary>Claims an idempotency key.</summary>
/// <param name="Key">At most 255 characters, <c>provider:event_id:action</c>, e.g. <c>github:72d3…:send_message</c>.</param>
/// <param name="Fingerprint">A digest of the request the key stands for; the same key with another fingerprint is a mismatch.</param>
/// <param name="Lease">How long the claim lasts before another caller may take it over; the gate's default when null.</param>
/// <param name="Budget">When set, and only when the key is granted (<c>new</c>), the gate also takes this rate-limit
/// decision and returns it in <see cref="BeginResult.Budget"/>: the two steps every effect takes, in one round trip.</param>
public sealed record BeginRequest(string Key, string Fingerprint, TimeSpan? Lease = null, RateLimitRequest? Budget = null);
