namespace Integrations.TokenBroker.Client;

/// <summary>
/// <c>POST /api/connections/authorizations</c>: an operator starts connecting an account.
/// <paramref name="Scopes"/> default to the provider's read-only scopes; <paramref name="LoginHint"/>
/// only suggests an account to the provider.
/// </summary>
public sealed record StartAuthorizationRequest(string Provider, IReadOnlyList<string>? Scopes = null, string? LoginHint = null);

/// <summary>The provider's consent URL to open in a browser; it works once, until <paramref name="ExpiresAt"/>.</summary>
public sealed record AuthorizationStarted(string Provider, Uri AuthorizeUrl, DateTimeOffset ExpiresAt);
