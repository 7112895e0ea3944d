using System.Security.Cryptography;
using System.Text;

namespace Integrations.Sandbox.GitHub;

/// <summary>
/// The deterministic repository the sandbox serves: <c>acme/widgets</c>, twelve commits on
/// <c>main</c> with conventional-commit messages, tagged <c>v1.0.0</c> (commit 3) and
/// <c>v1.1.0</c> (commit 8); commits 9-12 are unreleased. SHAs are derived from the content, so
/// they are the same on every run.
/// </summary>
public sealed class SeededRepository
{
    public const string FullName = "acme/widgets";

    private static readonly (string Message, string Login, string Name)[] s_history =
    [
        ("feat: first widget", "ada", "Ada Lovelace"),
        ("docs: README", "grace", "Grace Hopper"),
        ("fix: widget size off by one", "ada", "Ada Lovelace"),
        ("feat(api): list widgets", "grace", "Grace Hopper"),
        ("fix(api): paging skipped the last page", "linus", "Linus Torvalds"),
        ("chore: bump dependencies", "grace", "Grace Hopper"),
        ("feat: widget colours", "ada", "Ada Lovelace"),
        ("refactor: split widget store", "linus", "Linus Torvalds"),
        ("feat(export): CSV export of widgets", "grace", "Grace Hopper"),
        ("fix: export escapes quotes", "ada", "Ada Lovelace"),
        ("fix!: drop the v0 widget endpoint", "linus", "Linus Torvalds"),
        ("test: cover CSV export", "grace", "Grace Hopper"),
    ];

    public SeededRepository()
    {
        var start = new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
        Commits = [.. s_history.Select((c, i) => new SeededCommit(
            Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{FullName}:{i}:{c.Message}"))),
            c.Message, c.Login, c.Name, $"{c.Login}@example.com", start.AddDays(i)))];
        Tags = [new SeededTag("v1.1.0", Commits[7].Sha), new SeededTag("v1.0.0", Commits[2].Sha)];
    }

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<SeededCommit> Commits { get; }

    /// <summary>Newest first, as GitHub lists them.</summary>
    public IReadOnlyList<SeededTag> Tags { get; }

    /// <summary>The index of a tag, branch (<c>main</c>, <c>HEAD</c>) or (short) SHA; -1 when unknown.</summary>
    public int IndexOf(string reference)
    {
        if (reference is "main" or "HEAD")
        {
            return Commits.Count - 1;
        }

        var sha = Tags.FirstOrDefault(t => t.Name == reference)?.Sha ?? reference;
        for (var i = 0; i < Commits.Count; i++)
        {
            if (sha.Length >= 7 && Commits[i].Sha.StartsWith(sha, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

public sealed record SeededCommit(string Sha, string Message, string Login, string Name, string Email, DateTimeOffset Date);

public sealed record SeededTag(string Name, string Sha);
