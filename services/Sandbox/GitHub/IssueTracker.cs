using System.Collections.Concurrent;

namespace Integrations.Sandbox.GitHub;

/// <summary>The issues created in the sandbox's repositories, numbered per repository like GitHub.</summary>
public sealed class IssueTracker(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, List<SandboxIssue>> _issues = new(StringComparer.OrdinalIgnoreCase);

    public SandboxIssue Create(string repository, string title, string? body, IReadOnlyList<string> labels, string author)
    {
        var issues = _issues.GetOrAdd(repository, _ => []);
        lock (issues)
        {
            var issue = new SandboxIssue(Random.Shared.NextInt64(1_000_000, 9_999_999), issues.Count + 1, repository, title, body, labels, author, time.GetUtcNow());
            issues.Add(issue);
            return issue;
        }
    }

    public IReadOnlyList<SandboxIssue> List(string repository)
    {
        if (!_issues.TryGetValue(repository, out var issues))
        {
            return [];
        }

        lock (issues)
        {
            return [.. issues];
        }
    }
}

public sealed record SandboxIssue(long Id, int Number, string Repository, string Title, string? Body, IReadOnlyList<string> Labels, string Author, DateTimeOffset CreatedAt);
