using System.Text;
using System.Text.RegularExpressions;
using Integrations.Worker.GitHub;

namespace Integrations.Worker.Flows;

/// <summary>
/// Release notes drafted from conventional commits (<c>type(scope)!: subject</c>): features, fixes
/// and everything else, each line with its author, plus the list of authors. Breaking changes
/// (<c>!</c>) are marked. Compact enough for one Slack message.
/// </summary>
public static partial class ReleaseNotes
{
    public static string Draft(string repository, string? since, string until, IReadOnlyList<GitHubCommit> commits)
    {
        ArgumentNullException.ThrowIfNull(commits);

        var range = since is null ? "first release" : $"{commits.Count} commit{(commits.Count == 1 ? "" : "s")} since {since}";
        var notes = new StringBuilder($"*{repository} {until}* ({range})");
        if (commits.Count == 0)
        {
            return notes.Append("\nNo changes.").ToString();
        }

        var entries = commits.Select(Parse).ToList();
        Section(notes, "Features", entries.Where(e => e.Type == "feat"));
        Section(notes, "Fixes", entries.Where(e => e.Type == "fix"));
        Section(notes, "Other", entries.Where(e => e.Type is not "feat" and not "fix"));
        notes.Append("\nAuthors: ").AppendJoin(", ", entries.Select(e => e.Author).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return notes.ToString();
    }

    private static void Section(StringBuilder notes, string title, IEnumerable<Entry> entries)
    {
        var list = entries.ToList();
        if (list.Count == 0)
        {
            return;
        }

        notes.Append($"\n*{title}*");
        foreach (var entry in list)
        {
            notes.Append("\n• ");
            if (entry.Breaking)
            {
                notes.Append("BREAKING: ");
            }

            notes.Append(entry.Subject);
            if (entry.Scope is not null)
            {
                notes.Append($" ({entry.Scope})");
            }

            notes.Append($" — {entry.Author}");
        }
    }

    private static Entry Parse(GitHubCommit commit)
    {
        var firstLine = commit.Message.Split('\n', 2)[0].Trim();
        var author = commit.AuthorLogin is { Length: > 0 } login ? "@" + login : commit.AuthorName;
        var match = ConventionalCommit().Match(firstLine);
        return match.Success
            ? new Entry(match.Groups["type"].Value.ToLowerInvariant(), match.Groups["scope"].Success ? match.Groups["scope"].Value : null,
                match.Groups["bang"].Success, match.Groups["subject"].Value, author)
            : new Entry("other", null, false, firstLine, author);
    }

    [GeneratedRegex(@"^(?<type>[A-Za-z]+)(\((?<scope>[^)]+)\))?(?<bang>!)?:\s*(?<subject>.+)$")]
    private static partial Regex ConventionalCommit();

    private sealed record Entry(string Type, string? Scope, bool Breaking, string Subject, string Author);
}
