namespace Integrations.Cli;

/// <summary>Writes rows as left-aligned columns under a header, for people; scripts use <c>--json</c>.</summary>
public static class Table
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(headers);
        var all = rows.Select(r => r.Select(c => Clean(c)).ToArray()).ToList();
        if (all.Count == 0)
        {
            output.WriteLine("(none)");
            return;
        }

        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(headers.ToArray(), widths));
        foreach (var row in all)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    public static string Time(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();

    private static string Clean(string? cell)
    {
        var text = (cell ?? "").ReplaceLineEndings(" ");
        return text.Length > 80 ? text[..77] + "..." : text;
    }
}
