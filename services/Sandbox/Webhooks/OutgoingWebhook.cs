namespace Integrations.Sandbox.Webhooks;

/// <summary>
/// One webhook as a provider would send it, before signing. Copies of it keep its delivery id.
/// <paramref name="Provider"/> is the receiver's source (<c>/webhooks/{provider}</c>); <paramref name="Scheme"/>
/// is how it is signed when that is not the provider's own scheme (<c>standard</c> for Standard Webhooks sources).
/// </summary>
public sealed record OutgoingWebhook(string Provider, string EventType, string DeliveryId, byte[] Body, string? Scheme = null)
{
    public string SigningScheme => Scheme ?? Provider;
}
