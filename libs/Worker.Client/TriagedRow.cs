namespace Integrations.Worker.Client;

/// <summary>A row's category and, for engineering rows, its issue; <see cref="AlreadyFiled"/> when an earlier run created it.</summary>
public sealed record TriagedRow(string RowId, string Category, string? IssueUrl, bool AlreadyFiled);
