using Integrations.Worker.Connectors;
using Integrations.Worker.Flows;
using Integrations.Worker.GitHub;

namespace Integrations.Services.Tests;

public sealed class ReleaseNotesTests
{
    [Fact]
    public void CommitsAreGroupedByConventionalTypeWithAuthors()
    {
        GitHubCommit[] commits =
        [
            new("a", "feat(api): list widgets\n\nLong body", "Grace Hopper", "grace"),
            new("b", "fix!: drop v0", "Linus", "linus"),
            new("c", "Merge pull request #4", "Ada Lovelace", null),
        ];

        var notes = ReleaseNotes.Draft("acme/widgets", "v1.0.0", "v1.1.0", commits);

        Assert.Equal(
            "*acme/widgets v1.1.0* (3 commits since v1.0.0)\n*Features*\n• list widgets (api) — @grace\n*Fixes*\n• BREAKING: drop v0 — @linus\n*Other*\n• Merge pull request #4 — Ada Lovelace\nAuthors: @grace, @linus, Ada Lovelace",
            notes);
    }

    [Fact]
    public void AnEmptyRangeSaysSo() =>
        Assert.EndsWith("No changes.", ReleaseNotes.Draft("acme/widgets", "v1.1.0", "main", []), StringComparison.Ordinal);

    [Theory]
    [InlineData("v1.1.0", "v1.0.0")]
    [InlineData("main", "v1.1.0")]
    [InlineData("v1.0.0", null)]
    public void ThePreviousReleaseIsTheNextOlderTag(string until, string? expected) =>
        Assert.Equal(expected, ListUnreleasedCommits.PreviousTag([new("v1.1.0", "b"), new("v1.0.0", "a")], until));
}
