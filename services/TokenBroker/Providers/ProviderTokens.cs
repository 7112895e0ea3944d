namespace Integrations.TokenBroker.Providers;

/// <summary>
/// A token endpoint's answer. <see cref="RefreshToken"/> is null when the provider kept the old one;
/// <see cref="User"/> is the user the answer names, when it names one (Slack's <c>authed_user</c>).
/// </summary>
public sealed record ProviderTokens(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt, IReadOnlyList<string> Scopes, string? User = null)
{
    /// <summary>Keeps the tokens out of anything that prints the record.</summary>
    public override string ToString() => $"ProviderTokens {{ ExpiresAt = {ExpiresAt:O}, Scopes = {string.Join(' ', Scopes)} }}";
}
