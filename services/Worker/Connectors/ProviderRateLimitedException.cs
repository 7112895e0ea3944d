namespace Integrations.Worker.Connectors;

/// <summary>A provider answered 429 after the HTTP retries; the gate is told so every worker pauses.</summary>
public sealed class ProviderRateLimitedException(string provider, TimeSpan retryAfter, Exception innerException)
    : Exception($"{provider} is rate limiting; retry after {retryAfter.TotalSeconds:F0} s.", innerException)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
