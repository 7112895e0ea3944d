namespace Integrations.Worker.Stripe;

/// <summary>One event of Stripe's list, with its exact JSON.</summary>
public sealed record StripeListedEvent(string Id, string Type, DateTimeOffset Created, byte[] Json);
