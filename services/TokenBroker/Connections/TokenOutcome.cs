namespace Integrations.TokenBroker.Connections;

/// <summary>What asking for an access token came to; <see cref="Token"/> is set only when issued.</summary>
public sealed record TokenOutcome(TokenOutcomeKind Kind, BrokeredAccessToken? Token = null, string? Provider = null, string? RequiredScope = null);
