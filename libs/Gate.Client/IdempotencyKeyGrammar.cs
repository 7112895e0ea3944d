namespace Integrations.Gate.Client;

/// <summary>
/// The grammar of idempotency keys, <c>provider:event_id:action</c> (e.g. <c>github:72d3162e-…:send_message</c>):
/// a lower-case provider, the provider's own event or delivery id (printable ASCII, no colon), and the
/// lower-case business action; at most <see cref="MaxLength"/> characters. The gate enforces it; a caller
/// that takes keys from its own users checks them against the same rule before it asks.
/// </summary>
public static class IdempotencyKeyGrammar
{
    public const string Pattern = "^[a-z0-9][a-z0-9_-]*:[!-9;-~]+:[a-z0-9][a-z0-9_.-]*$";
    public const int MaxLength = 255;
    public const string Shape = "provider:event_id:action (lower-case provider and action; event id printable ASCII without ':')";
}
