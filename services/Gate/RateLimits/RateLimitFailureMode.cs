namespace Integrations.Gate.RateLimits;

/// <summary>What rate-limit decisions answer while Redis is unreachable.</summary>
public enum RateLimitFailureMode
{
    /// <summary>503 problem details: callers hold their calls. The default.</summary>
    Closed,

    /// <summary>Allowed, marked <c>degraded</c>: callers proceed and rely on the providers' own limits.</summary>
    Open,
}
