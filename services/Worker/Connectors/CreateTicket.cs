using Integrations.Worker.GitHub;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Opens a GitHub issue, at most once per idempotency key. GitHub has no Idempotency-Key, so the
/// key is written into the issue body as a hidden marker; when the gate says an earlier attempt
/// was never settled (the worker died mid-call), the issue list is searched for that marker
/// before creating, and a found issue is the outcome instead of a second one.
/// </summary>
public sealed class CreateTicket(GitHubRestClient github, EffectGuard guard, IOptions<GitHubOptions> options)
{
    public const string Action = nameof(CreateTicket);

    /// <returns>The issue's URL.</returns>
    public Task<EffectResult> RunAsync(string repository, string title, string body, IReadOnlyList<string> labels, string idempotencyKey, CancellationToken cancellationToken, string actor = WriteAudit.Actor)
    {
        var marker = $"<!-- integrations-key: {idempotencyKey} -->";
        var request = $"{title}\n{body}\n{string.Join(',', labels)}";
        return guard.RunAsync(new Effect("github", options.Value.Connection, Action, repository, idempotencyKey, request, actor),
            ct => Call(async () => (await github.CreateIssueAsync(repository, title, $"{body}\n\n{marker}", labels, ct)).HtmlUrl),
            cancellationToken,
            findExisting: (firstClaimedAt, ct) => Call(async () =>
                (await github.FindIssueAsync(repository, labels, i => i.Body?.Contains(marker, StringComparison.Ordinal) == true, firstClaimedAt, ct))?.HtmlUrl));
    }

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (GitHubApiException ex)
        {
            throw GitHubFailures.Translate(ex, Action);
        }
    }
}
