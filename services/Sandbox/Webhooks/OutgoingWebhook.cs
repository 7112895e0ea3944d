namespace Integrations.Sandbox.Webhooks;

/// <summary>One webhook as a provider would send it, before signing. Copies of it keep its delivery id.</summary>
public sealed record OutgoingWebhook(string Provider, string EventType, string DeliveryId, byte[] Body);
