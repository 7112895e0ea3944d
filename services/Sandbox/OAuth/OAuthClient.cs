namespace Integrations.Sandbox.OAuth;

/// <summary>One OAuth app's credentials.</summary>
public sealed record OAuthClient(string ClientId, string ClientSecret);
