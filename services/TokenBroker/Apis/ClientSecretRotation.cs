namespace Integrations.TokenBroker.Apis;

/// <summary>A recorded client secret rotation: which app, who and when; never the secret.</summary>
public sealed record ClientSecretRotation(string Provider, string ClientId, string RotatedBy, DateTimeOffset RotatedAt);
