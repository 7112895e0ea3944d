namespace Integrations.Worker.GitHub;

/// <summary>A commit as the release notes need it.</summary>
public sealed record GitHubCommit(string Sha, string Message, string AuthorName, string? AuthorLogin);
