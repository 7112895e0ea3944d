using Integrations.Audit.Chain;

namespace Integrations.Audit.Pages;

/// <summary>Rows for the audit page's table, newest first, and where their trace links point.</summary>
public sealed record RowsView(IReadOnlyList<ChainRow> Rows, string? DashboardUrl)
{
    /// <summary>The Aspire dashboard's page for one trace.</summary>
    public static string TraceLink(string dashboardUrl, string traceId)
    {
        ArgumentNullException.ThrowIfNull(dashboardUrl);
        return $"{dashboardUrl.TrimEnd('/')}/traces/detail/{Uri.EscapeDataString(traceId)}";
    }
}
