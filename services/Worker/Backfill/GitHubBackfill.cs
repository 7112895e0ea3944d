using Integrations.Worker.Client;
using Integrations.Worker.Connectors;
using Integrations.Worker.GitHub;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Integrations.Worker.Backfill;

/// <summary>
/// GitHub's gap recovery. GitHub never redelivers on its own, but keeps each webhook's delivery log for
/// three days (<c>GET …/hooks/{id}/deliveries</c>) and redelivers one on request
/// (<c>POST …/deliveries/{id}/attempts</c>). For every configured hook, each delivery (guid) in the window
/// that is not stored is asked for again. Its guid is first recorded in <c>redelivery_requests</c>, so the
/// redelivery, which arrives signed at the receiver through the normal path and the normal dedup, is
/// stored <c>recovered</c> by the receiver's insert. One <c>BackfillDelivery</c> audit row per delivery asked for.
/// </summary>
public sealed class GitHubBackfill(GitHubRestClient github, NpgsqlDataSource dataSource, WriteAudit audit, IOptions<GitHubOptions> gitHub, IOptions<BackfillOptions> options, TimeProvider time)
{
    public const string Source = "github";
    public const string Method = "redelivery";

    public bool IsConfigured => gitHub.Value.Token.Length > 0 && options.Value.GitHub.Hooks.Count > 0;

    public async Task<BackfillResult> RunAsync(DateTimeOffset since, string actor, CancellationToken cancellationToken)
    {
        var settled = time.GetUtcNow() - options.Value.MinimumAge;
        var found = 0;
        var recovered = new List<string>();
        foreach (var hook in options.Value.GitHub.Hooks.Select(GitHubHook.Parse).OfType<GitHubHook>())
        {
            var listed = (await github.ListHookDeliveriesAsync(hook.Repository, hook.HookId, since, options.Value.PageSize, cancellationToken))
                .Where(d => d.DeliveredAt <= settled)
                .GroupBy(d => d.Guid, StringComparer.Ordinal)
                .Select(attempts => attempts.MaxBy(d => d.Id)!)
                .ToList();
            found += listed.Count;
            var stored = await BackfillQueries.StoredAsync(dataSource, Source, [.. listed.Select(d => d.Guid)], cancellationToken);
            var missing = listed.Where(d => !stored.Contains(d.Guid)).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            await RecordRequestsAsync([.. missing.Select(d => d.Guid)], cancellationToken);
            foreach (var delivery in missing)
            {
                await github.RedeliverAsync(hook.Repository, hook.HookId, delivery.Id, cancellationToken);
                recovered.Add(delivery.Guid);
                await audit.RunAsync(BackfillQueries.DeliveryAuditEntry(actor, Source, delivery.Guid, Method,
                    new Dictionary<string, object?> { ["eventType"] = delivery.Event, ["hook"] = $"{hook.Repository}:{hook.HookId}", ["deliveredAt"] = delivery.DeliveredAt }), cancellationToken);
            }
        }

        return new BackfillResult(Source, since, found, recovered, Method);
    }

    /// <summary>Records the guids before GitHub is asked, so that the receiver marks each redelivery recovered however soon it arrives.</summary>
    private async Task RecordRequestsAsync(string[] guids, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO redelivery_requests (provider, delivery_id)
            SELECT $1, unnest($2::text[])
            ON CONFLICT (provider, delivery_id) DO UPDATE SET requested_at = now()
            """);
        command.Parameters.Add(new() { Value = Source });
        command.Parameters.Add(new() { Value = guids });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
