using System.Text;

namespace Integrations.Cli.Mcp;

/// <summary>The audit actor of an MCP session: <c>mcp:</c> and the client's name from the initialize handshake.</summary>
public static class McpActor
{
    private const int MaxLength = 128;

    public static string From(string? clientName)
    {
        var name = new StringBuilder();
        foreach (var c in (clientName ?? "").Trim())
        {
            // The worker accepts letters, digits, spaces and . _ @ : / - in an actor.
            name.Append(char.IsAsciiLetterOrDigit(c) || "._@:/ -".Contains(c, StringComparison.Ordinal) ? c : '-');
        }

        var actor = $"mcp:{(name.Length == 0 ? "unknown" : name.ToString())}";
        return actor.Length > MaxLength ? actor[..MaxLength] : actor;
    }
}
