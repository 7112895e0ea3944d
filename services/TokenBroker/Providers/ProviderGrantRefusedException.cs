namespace Integrations.TokenBroker.Providers;

/// <summary>The provider refused the code or refresh token for good (<c>invalid_grant</c> or its equivalent).</summary>
public sealed class ProviderGrantRefusedException(string provider, string error)
    : Exception($"The {provider} token endpoint refused the grant: {error}.")
{
    public string Provider { get; } = provider;

    /// <summary>The provider's error code, e.g. <c>invalid_grant</c>; never a token.</summary>
    public string Error { get; } = error;
}
