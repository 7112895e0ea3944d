namespace Integrations.Worker.Triage;

/// <summary>One ticket of the support export, and its 1-based row number in the sheet (after the header).</summary>
public sealed record SupportRow(int RowNumber, string Id, string CreatedAt, string Customer, string Subject, string Body);
