namespace Integrations.TokenBroker.Client;

/// <summary>An access token for one action, valid at least for the broker's refresh margin. Never log it.</summary>
public sealed record BrokeredToken(Guid ConnectionId, string Action, string AccessToken, string TokenType, DateTimeOffset ExpiresAt)
{
    /// <summary>Keeps the token out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"BrokeredToken {{ ConnectionId = {ConnectionId}, Action = {Action}, ExpiresAt = {ExpiresAt:O} }}";
}
