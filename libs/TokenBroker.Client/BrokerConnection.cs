namespace Integrations.TokenBroker.Client;

/// <summary>A connection as the broker lists it: provider, account, granted scopes and status; never a token.</summary>
public sealed record BrokerConnection(
    Guid Id,
    string Provider,
    string Account,
    IReadOnlyList<string> Scopes,
    string Status,
    DateTimeOffset AccessTokenExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? RefreshedAt);
