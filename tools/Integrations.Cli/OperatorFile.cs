using System.Text.Json;

namespace Integrations.Cli;

/// <summary>
/// The file the AppHost writes at every start: each API's URL and operator key (AppHost's
/// <c>OperatorFileExtensions</c>). It is <c>INTEGRATIONS_OPERATOR_FILE</c> when set, else
/// <c>.data/operator.json</c> in the current directory or the nearest parent that has one, so a command
/// run anywhere in the checkout reaches the stack <c>./run.sh</c> started, with no key typed or exported.
/// A key from the file is sent only to the URL it was written with.
/// </summary>
public sealed class OperatorFile
{
    public const string Variable = "INTEGRATIONS_OPERATOR_FILE";
    private static readonly string s_relativePath = Path.Combine(".data", "operator.json");

    private readonly Dictionary<string, (Uri Url, string Key)> _entries;

    private OperatorFile(string path, Dictionary<string, (Uri Url, string Key)> entries)
    {
        FilePath = path;
        _entries = entries;
    }

    public string FilePath { get; }

    /// <summary>The URL and key written for <paramref name="service"/>, if the file has them.</summary>
    public (Uri Url, string Key)? For(string service) => _entries.TryGetValue(service, out var entry) ? entry : null;

    /// <summary>The operator file, or null when there is none; an unreadable or malformed one is an error that names it.</summary>
    public static OperatorFile? Find(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (console.Environment(Variable) is { Length: > 0 } named)
        {
            var path = Path.GetFullPath(named, console.CurrentDirectory);
            return File.Exists(path)
                ? Read(path)
                : throw new CliException(ExitCodes.Usage, $"{Variable} names {path}, which does not exist. Start the stack (./run.sh) or unset it.");
        }

        for (var directory = new DirectoryInfo(console.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, s_relativePath);
            if (File.Exists(candidate))
            {
                return Read(candidate);
            }
        }

        return null;
    }

    private static OperatorFile Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var entries = new Dictionary<string, (Uri, string)>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                var url = entry.Value.GetProperty("url").GetString();
                var key = entry.Value.GetProperty("key").GetString();
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(key))
                {
                    throw new InvalidDataException($"the entry '{entry.Name}' has no http URL or no key");
                }

                entries[entry.Name] = (uri, key);
            }

            return new OperatorFile(path, entries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or KeyNotFoundException or InvalidDataException)
        {
            // The message says what is wrong with the file, never what it holds.
            var reason = ex is InvalidDataException ? ex.Message : ex.GetType().Name;
            throw new CliException(ExitCodes.Usage, $"{path} is not an operator file the AppHost wrote ({reason}). Restart the stack (./run.sh) to write it again.");
        }
    }
}
