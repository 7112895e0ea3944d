using Integrations.Worker.GitHub;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Connectors;

/// <summary>
/// The commits of a repository that no release contains yet, or between two refs: GitHub's compare
/// API from the previous tag. A read: it spends the GitHub budget and is audited, but claims no key.
/// </summary>
public sealed class ListUnreleasedCommits(GitHubRestClient github, EffectGuard guard, IOptions<GitHubOptions> options)
{
    public const string Action = nameof(ListUnreleasedCommits);

    /// <param name="until">The release tag or branch to end at; <c>main</c> for what is not released yet.</param>
    /// <param name="since">The ref to start after; <c>null</c> means the newest tag before <paramref name="until"/>.</param>
    public Task<UnreleasedCommits> RunAsync(string repository, string until, string? since, string idempotencyKey, CancellationToken cancellationToken, string actor = WriteAudit.Actor) =>
        guard.ReadAsync(new Effect("github", options.Value.Connection, Action, repository, idempotencyKey, $"{since}...{until}", actor), async ct =>
        {
            try
            {
                var from = since ?? PreviousTag(await github.ListTagsAsync(repository, ct), until);
                if (from is null)
                {
                    return new UnreleasedCommits(null, until, []);
                }

                return new UnreleasedCommits(from, until, await github.CompareAsync(repository, from, until, ct));
            }
            catch (GitHubApiException ex)
            {
                throw GitHubFailures.Translate(ex, Action);
            }
        }, cancellationToken);

    /// <summary>Tags come newest first: the previous release is the first tag after <paramref name="until"/>, or the newest when <paramref name="until"/> is not a tag.</summary>
    internal static string? PreviousTag(IReadOnlyList<GitHubTag> tags, string until)
    {
        var index = tags.ToList().FindIndex(t => t.Name == until);
        return index < 0 ? tags.FirstOrDefault()?.Name : tags.Skip(index + 1).FirstOrDefault()?.Name;
    }
}

/// <summary>The commits after <see cref="Since"/> up to <see cref="Until"/>, oldest first; <see cref="Since"/> is null when there is no earlier release.</summary>
public sealed record UnreleasedCommits(string? Since, string Until, IReadOnlyList<GitHubCommit> Commits);
