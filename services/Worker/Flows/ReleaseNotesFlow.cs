using System.Text.Json;
using Integrations.Worker.Connectors;
using Integrations.Worker.Queue;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Flows;

/// <summary>
/// GitHub <c>release</c> (published) → the commits since the previous tag → release notes → a
/// compact summary in the release channel. Also run on demand through the actions API.
/// </summary>
public sealed class ReleaseNotesFlow(ListUnreleasedCommits listUnreleasedCommits, SendMessage sendMessage, IOptions<FlowOptions> options) : IDeliveryFlow
{
    public static bool Handles(string provider, string eventType) => provider == "github" && eventType == "release";

    public async Task RunAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);

        string? action, repository, tag;
        try
        {
            using var document = JsonDocument.Parse(delivery.Body);
            var root = document.RootElement;
            action = root.GetProperty("action").GetString();
            repository = root.GetProperty("repository").GetProperty("full_name").GetString();
            tag = root.GetProperty("release").GetProperty("tag_name").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new PermanentFlowException("The release event has no repository or tag.", ex);
        }

        if (action != "published" || repository is null || tag is null)
        {
            return;
        }

        var eventId = $"{delivery.Provider}:{delivery.DeliveryId}";
        await PublishAsync(repository, tag, since: null, options.Value.ReleaseNotesChannel, eventId, WriteAudit.Actor, cancellationToken);
    }

    /// <param name="eventId"><c>provider:event_id</c>: the prefix of both idempotency keys.</param>
    /// <returns>The notes and the posted message.</returns>
    public async Task<(string Notes, EffectResult Message)> PublishAsync(
        string repository, string until, string? since, string channel, string eventId, string actor, CancellationToken cancellationToken)
    {
        var commits = await listUnreleasedCommits.RunAsync(repository, until, since, $"{eventId}:list_unreleased_commits", cancellationToken, actor);
        var notes = ReleaseNotes.Draft(repository, commits.Since, commits.Until, commits.Commits);
        var message = await sendMessage.RunAsync(channel, notes, $"{eventId}:send_message", cancellationToken, actor);
        return (notes, message);
    }
}
