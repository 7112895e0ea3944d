namespace Integrations.TokenBroker.Connections;

/// <summary>An access token handed out for one action, valid at least until the refresh margin from now.</summary>
public sealed record BrokeredAccessToken(Guid ConnectionId, string Action, string AccessToken, string TokenType, DateTimeOffset ExpiresAt);
