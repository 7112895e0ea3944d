namespace Integrations.TokenBroker.Connections;

/// <summary>A connection as callers see it in listings: never a token.</summary>
public sealed record ConnectionSummary(
    Guid Id,
    string Provider,
    string Account,
    IReadOnlyList<string> Scopes,
    string Status,
    DateTimeOffset AccessTokenExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? RefreshedAt);
