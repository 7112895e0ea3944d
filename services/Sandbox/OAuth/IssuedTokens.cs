namespace Integrations.Sandbox.OAuth;

/// <summary>What a token endpoint hands out for one grant.</summary>
public sealed record IssuedTokens(string AccessToken, string RefreshToken, int ExpiresIn, string Scope, string Account);
