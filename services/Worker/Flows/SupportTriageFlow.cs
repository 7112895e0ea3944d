using Integrations.Worker.Client;
using System.Text.Json;
using Integrations.TokenBroker.Client;
using Integrations.Worker.Connectors;
using Integrations.Worker.Queue;
using Integrations.Worker.Triage;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Flows;

/// <summary>
/// Support triage, on demand or queued: read the support export with the connection's read-only Google token,
/// classify every row, and open a GitHub issue for each engineering row (labelled with its category
/// and <c>support</c>, linking back to the row). Each issue's key is <c>google:{file}.{row id}:create_ticket</c>,
/// so a re-run skips the rows already filed and creates no duplicate.
/// <para>
/// Queued runs start from a signed Standard Webhooks delivery of the source <see cref="TriageOptions.Source"/>
/// (a help desk announcing a new export): <c>{"type":"support.export.updated","data":{"connectionId","fileId","repository"}}</c>.
/// Its connection, file and repository must each be allow-listed in <see cref="TriageOptions"/>, or the
/// delivery is dead-lettered before any provider call. Runs asked for through the actions API are the
/// operator's (worker admin key) and are not held to the lists.
/// </para>
/// </summary>
public sealed class SupportTriageFlow(
    ReadSupportSheet readSupportSheet, ISupportClassifier classifier, CreateTicket createTicket, TokenBrokerClient broker, IOptions<TriageOptions> options)
    : IDeliveryFlow
{
    public const string EventType = "support.export.updated";

    public async Task RunAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);

        Guid connectionId;
        string fileId, repository;
        try
        {
            using var document = JsonDocument.Parse(delivery.Body);
            var data = document.RootElement.GetProperty("data");
            connectionId = data.GetProperty("connectionId").GetGuid();
            fileId = data.GetProperty("fileId").GetString() ?? "";
            repository = data.GetProperty("repository").GetString() ?? "";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new PermanentFlowException("The support export event has no connectionId, fileId or repository.", ex);
        }

        if (!TriageOptions.FileId().IsMatch(fileId) || !TriageOptions.Repository().IsMatch(repository))
        {
            throw new PermanentFlowException("The support export event names an invalid file id or repository.");
        }

        await RefuseUnlessAllowedAsync(connectionId, fileId, repository, cancellationToken);
        await RunAsync(connectionId, fileId, repository, delivery.DeliveryId, WriteAudit.Actor, cancellationToken);
    }

    /// <summary>
    /// A queued run reads and writes only what <see cref="TriageOptions"/> allow-lists: anything else
    /// dead-letters the delivery before any token is asked for or any provider is called. A connection
    /// listed by account is looked up in the broker's list (no provider call).
    /// </summary>
    private async Task RefuseUnlessAllowedAsync(Guid connectionId, string fileId, string repository, CancellationToken cancellationToken)
    {
        var triage = options.Value;
        if (!triage.AllowsFile(fileId))
        {
            throw new PermanentFlowException($"The support export event names file {fileId}, which Triage:AllowedFiles does not list.");
        }

        if (!triage.AllowsRepository(repository))
        {
            throw new PermanentFlowException($"The support export event names repository {repository}, which Triage:AllowedRepositories does not list.");
        }

        if (triage.AllowsConnection(connectionId, account: null))
        {
            return;
        }

        var connection = (await broker.ListConnectionsAsync("google", cancellationToken)).FirstOrDefault(c => c.Id == connectionId);
        if (!triage.AllowsConnection(connectionId, connection?.Account))
        {
            throw new PermanentFlowException($"The support export event names connection {connectionId}, which Triage:AllowedConnections does not list (by id or account).");
        }
    }

    public async Task<IReadOnlyList<TriagedRow>> RunAsync(Guid connectionId, string fileId, string repository, string runId, string actor, CancellationToken cancellationToken)
    {
        var rows = await readSupportSheet.RunAsync(connectionId, fileId, $"google:{runId}:read_support_sheet", cancellationToken, actor);
        var engineering = options.Value.EngineeringCategories.ToHashSet(StringComparer.Ordinal);
        var triaged = new List<TriagedRow>();
        foreach (var row in rows)
        {
            var category = classifier.Classify(row);
            if (!engineering.Contains(category))
            {
                triaged.Add(new TriagedRow(row.Id, category, null, AlreadyFiled: false));
                continue;
            }

            var link = $"https://docs.google.com/spreadsheets/d/{fileId}/edit#gid=0&range=A{row.RowNumber + 1}";
            var body = $"Support ticket {row.Id} ({row.CreatedAt}), classified as {category}.\n\n> {row.Body}\n\nSource row: {link}";
            var issue = await createTicket.RunAsync(repository, $"{row.Subject} [{row.Id}]", body, [category, "support"],
                $"google:{fileId}.{row.Id}:create_ticket", cancellationToken, actor);
            triaged.Add(new TriagedRow(row.Id, category, issue.Outcome, issue.AlreadyDone));
        }

        return triaged;
    }

}
