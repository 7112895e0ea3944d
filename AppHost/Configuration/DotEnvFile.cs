namespace Integrations.AppHost;

/// <summary>
/// Reads a <c>.env</c> file: <c>NAME=value</c> lines, <c>#</c> comments, optional <c>export </c> prefix and
/// optional single or double quotes around the value. Nothing is expanded or executed.
/// </summary>
public static class DotEnvFile
{
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in lines)
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                // The line's content may be a secret, so only its number is reported.
                throw new FormatException($".env line {lineNumber} is not of the form NAME=value.");
            }

            var name = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            values[name] = value;
        }

        return values;
    }
}
