namespace Integrations.Gate.Client;

/// <summary>Claims an idempotency key.</summary>
/// <param name="Key">At most 255 characters, <c>provider:event_id:action</c>, e.g. <c>github:72d3…:send_message</c>.</param>
/// <param name="Fingerprint">A digest of the request the key stands for; the same key with another fingerprint is a mismatch.</param>
/// <param name="Lease">How long the claim lasts before another caller may take it over; the gate's default when null.</param>
public sealed record BeginRequest(string Key, string Fingerprint, TimeSpan? Lease = null);
