using System.Text.Json;

namespace Integrations.Cli.Contracts;

/// <summary>
/// One page of audit rows, newest first, and the cursor of the next page (<c>null</c> on the last).
/// Rows stay raw JSON so <c>--json</c> passes on every field the audit store returns.
/// </summary>
public sealed record AuditRowPage(IReadOnlyList<JsonElement> Items, string? Next)
{
    /// <summary>Reads the audit API's <c>{ items, next }</c>.</summary>
    public static AuditRowPage Parse(JsonElement body) => body.ValueKind switch
    {
        JsonValueKind.Object when body.TryGetProperty("items", out var items) => new AuditRowPage(
            [.. items.EnumerateArray().Select(e => e.Clone())],
            body.TryGetProperty("next", out var next) && next.ValueKind != JsonValueKind.Null ? next.ToString() : null),
        _ => throw new JsonException("The audit store answered without a page of rows."),
    };

    public static string Field(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "";

    public static long Id(JsonElement row) =>
        row.TryGetProperty("id", out var id) && id.TryGetInt64(out var value) ? value : 0;
}
