namespace Integrations.Worker.GitHub;

/// <summary>A tag and the commit it points at.</summary>
public sealed record GitHubTag(string Name, string Sha);
