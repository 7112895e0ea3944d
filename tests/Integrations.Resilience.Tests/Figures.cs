using System.Globalization;

namespace Integrations.Resilience.Tests;

/// <summary>
/// The figures a proof measured, as a markdown fragment: printed to the test output and written to
/// <c>resilience/&lt;name&gt;.md</c> in the test output directory, for docs/reliability.md to quote.
/// </summary>
public sealed class Figures(string name, string title)
{
    private readonly StringBuilder _text = new StringBuilder()
        .Append(CultureInfo.InvariantCulture, $"### {title}\n\n")
        .Append(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, scale `{ResilienceScale.Name}`.\n\n");

    public Figures Line(string line)
    {
        _text.Append(line).Append('\n');
        return this;
    }

    public Figures Table(IEnumerable<string> header, IEnumerable<IEnumerable<object>> rows)
    {
        var columns = header.ToList();
        _text.Append("| ").AppendJoin(" | ", columns).Append(" |\n|").Append(string.Concat(columns.Select(_ => "---|"))).Append('\n');
        foreach (var row in rows)
        {
            _text.Append("| ").AppendJoin(" | ", row.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))).Append(" |\n");
        }

        _text.Append('\n');
        return this;
    }

    public string Write(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = _text.ToString();
        var directory = Path.Combine(AppContext.BaseDirectory, "resilience");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{name}.md");
        File.WriteAllText(path, text);
        output.WriteLine(text);
        output.WriteLine($"(written to {path})");
        return path;
    }
}
