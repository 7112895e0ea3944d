namespace Integrations.Cli;

/// <summary>One service as the CLI reaches it: its base URL and the API key sent in <c>X-Api-Key</c>.</summary>
public sealed record ServiceEndpoint(string Name, Uri BaseUrl, string? ApiKey)
{
    /// <summary>Keeps the key out of anything that prints the record.</summary>
    public override string ToString() => $"{Name} at {BaseUrl}";
}
