using System.Text.Json;

namespace Integrations.Cli.Contracts;

/// <summary>
/// One page of audit rows, newest first, and the cursor of the next page (<c>null</c> on the last).
/// Rows stay raw JSON so <c>--json</c> passes on every field the audit store returns.
/// </summary>
public sealed record AuditPage(IReadOnlyList<JsonElement> Items, string? Next)
{
    /// <summary>Reads <c>{ items, next }</c>; a bare array (the audit API before paging) is one last page.</summary>
    public static AuditPage Parse(JsonElement body) => body.ValueKind switch
    {
        JsonValueKind.Array => new AuditPage([.. body.EnumerateArray().Select(e => e.Clone())], null),
        JsonValueKind.Object when body.TryGetProperty("items", out var items) => new AuditPage(
            [.. items.EnumerateArray().Select(e => e.Clone())],
            body.TryGetProperty("next", out var next) && next.ValueKind != JsonValueKind.Null ? next.ToString() : null),
        _ => throw new JsonException("The audit store answered with neither a page nor a list of rows."),
    };

    public static string Field(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "";

    public static long Id(JsonElement row) =>
        row.TryGetProperty("id", out var id) && id.TryGetInt64(out var value) ? value : 0;
}
