namespace Integrations.TokenBroker;

/// <summary>The broker's log messages. None carries a token, code, verifier, state or secret.</summary>
internal static partial class TokenBrokerLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected {Provider} account {Account} as connection {ConnectionId} with scopes {Scopes}")]
    public static partial void Connected(ILogger logger, string provider, string account, Guid connectionId, string scopes);

    [LoggerMessage(2, LogLevel.Information, "Refused a callback: {Reason}")]
    public static partial void CallbackRefused(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Information, "Refreshed the access token of connection {ConnectionId}; refresh token rotated: {Rotated}")]
    public static partial void Refreshed(ILogger logger, Guid connectionId, bool rotated);

    [LoggerMessage(4, LogLevel.Warning, "The provider refused the refresh token of connection {ConnectionId}; it needs re-authorization")]
    public static partial void NeedsReauthorization(ILogger logger, Guid connectionId);

    [LoggerMessage(5, LogLevel.Warning, "Refused {Actor} a token of connection {ConnectionId} for {Action}: scope {Scope} not granted")]
    public static partial void ScopeRefused(ILogger logger, string actor, Guid connectionId, string action, string scope);

    [LoggerMessage(6, LogLevel.Warning, "The {Provider} token endpoint failed ({Reason})")]
    public static partial void ProviderUnavailable(ILogger logger, string provider, string reason);

    [LoggerMessage(7, LogLevel.Information, "{Actor} revoked connection {ConnectionId}")]
    public static partial void Revoked(ILogger logger, string actor, Guid connectionId);

    [LoggerMessage(8, LogLevel.Information, "{Actor} recorded a client secret rotation of the {Provider} app")]
    public static partial void ClientSecretRotated(ILogger logger, string actor, string provider);
}
