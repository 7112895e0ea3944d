using Integrations.Worker.Connectors;
using Integrations.Worker.Triage;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Flows;

/// <summary>
/// Support triage, on demand: read the support export with the connection's read-only Google token,
/// classify every row, and open a GitHub issue for each engineering row (labelled with its category
/// and <c>support</c>, linking back to the row). Each issue's key is <c>google:{file}.{row id}:create_ticket</c>,
/// so a re-run skips the rows already filed and creates no duplicate.
/// </summary>
public sealed class SupportTriageFlow(ReadSupportSheet readSupportSheet, ISupportClassifier classifier, CreateTicket createTicket, IOptions<TriageOptions> options)
{
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
