namespace Integrations.Sandbox.Webhooks;

/// <summary>
/// One webhook as a provider would send it, before signing. Copies of it keep its delivery id.
/// <paramref name="Provider"/> is the receiver's source (<c>/webhooks/{provider}</c>); <paramref name="Scheme"/>
/// is how it is signed when that is not the provider's own scheme (<c>standard</c> for Standard Webhooks sources).
/// A form body (<paramref name="Json"/> set) is sent as <c>application/x-www-form-urlencoded</c>; <paramref name="Json"/>
/// is what it carries, as the receiver stores it.
/// </summary>
public sealed record OutgoingWebhook(string Provider, string EventType, string DeliveryId, byte[] Body, string? Scheme = null, byte[]? Json = null)
{
    public string SigningScheme => Scheme ?? Provider;

    public string MediaType => Json is null ? "application/json" : "application/x-www-form-urlencoded";
}
