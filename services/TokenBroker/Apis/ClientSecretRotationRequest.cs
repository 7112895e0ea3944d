namespace Integrations.TokenBroker.Apis;

/// <summary>Who rotated an OAuth app's client secret.</summary>
public sealed record ClientSecretRotationRequest(string Actor);
