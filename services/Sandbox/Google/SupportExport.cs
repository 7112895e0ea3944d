namespace Integrations.Sandbox.Google;

/// <summary>
/// The seeded Google Sheet that support exports: one row per ticket, with a stable id. Drive's
/// export of it as <c>text/csv</c> is what the support-triage flow reads.
/// </summary>
public static class SupportExport
{
    public const string FileId = "1SupportExportSandbox2026";

    /// <summary>A second seeded export with the same rows (its own file id, so its own ticket keys), for the help desk's queued runs.</summary>
    public const string HelpDeskFileId = "1SupportHelpDeskSandbox2026";

    public static bool Exists(string fileId) => fileId is FileId or HelpDeskFileId;

    public const string Csv = """"
        id,created_at,customer,subject,body
        T-1001,2026-11-20T09:12:00Z,jane@example.com,Export crashes,"The CSV export crashes with an error when a name has a quote"
        T-1002,2026-11-20T10:03:00Z,raj@example.com,Charged twice,"I was charged twice for my subscription this month, please refund"
        T-1003,2026-11-20T11:40:00Z,li@example.com,How do I invite a teammate?,"Where is the setting to invite a teammate?"
        T-1004,2026-11-21T08:15:00Z,ola@example.com,Dark mode please,"It would be great if you could add a dark mode, feature request"
        T-1005,2026-11-21T13:22:00Z,sam@example.com,Page broken on Safari,"The widgets page is broken on Safari: the table does not load"
        T-1006,2026-11-22T16:45:00Z,kim@example.com,Invoice address,"How can I change the address on my invoice?"
        T-1007,2026-11-23T07:30:00Z,max@example.com,API returns 500,"GET /widgets returns 500 since yesterday, looks like a bug"
        T-1008,2026-11-24T12:00:00Z,eva@example.com,"Bulk edit, ""someday""","Would love a bulk edit feature for widgets"
        """";
}
