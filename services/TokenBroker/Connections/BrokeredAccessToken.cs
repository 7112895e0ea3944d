namespace Integrations.TokenBroker.Connections;

/// <summary>An access token handed out for one action, valid at least until the refresh margin from now.</summary>
public sealed record BrokeredAccessToken(Guid ConnectionId, string Action, string AccessToken, string TokenType, DateTimeOffset ExpiresAt)
{
    /// <summary>Keeps the token out of anything that prints the record.</summary>
    public override string ToString() => $"BrokeredAccessToken {{ ConnectionId = {ConnectionId}, Action = {Action}, ExpiresAt = {ExpiresAt:O} }}";
}
