namespace Integrations.TokenBroker.Providers;

/// <summary>The provider could not be reached or answered with a server error, after the safe retries.</summary>
public sealed class ProviderUnavailableException(string provider, string reason, Exception? inner = null)
    : Exception($"The {provider} OAuth server is unavailable: {reason}.", inner)
{
    public string Provider { get; } = provider;
}
