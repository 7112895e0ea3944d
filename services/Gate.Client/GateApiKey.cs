namespace Integrations.Gate.Client;

public static class GateApiKey
{
    /// <summary>The request header that carries the per-service API key.</summary>
    public const string HeaderName = "X-Api-Key";
}
