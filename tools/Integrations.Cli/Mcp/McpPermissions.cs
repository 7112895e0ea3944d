using ModelContextProtocol;

namespace Integrations.Cli.Mcp;

/// <summary>
/// What the MCP server lets its client do, bound from the <c>Mcp</c> section (a JSON file given
/// with <c>--config</c>, or environment variables such as <c>Mcp__AllowedChannels__0</c>). An entry
/// may hold several values separated by commas; <c>*</c> allows any. A refused call is a tool
/// error that says so, and nothing is called.
/// </summary>
public sealed class McpPermissions
{
    public const string SectionName = "Mcp";

    public static readonly IReadOnlyList<string> AllTools = ["send_message", "create_ticket", "record_payment_event", "query_audit", "replay_delivery", "preview_replay"];

    /// <summary>The tools the client may call. Default (unset): every tool; each target below still applies.</summary>
    public List<string>? AllowedTools { get; set; }

    /// <summary>Slack channels <c>send_message</c> may post to. Default: none.</summary>
    public List<string>? AllowedChannels { get; set; }

    /// <summary><c>owner/repo</c> repositories <c>create_ticket</c> may open issues in. Default: none.</summary>
    public List<string>? AllowedRepositories { get; set; }

    /// <summary>Providers <c>replay_delivery</c> may replay (and <c>preview_replay</c> preview) and <c>record_payment_event</c> may write to (<c>stripe</c>). Default: none.</summary>
    public List<string>? AllowedProviders { get; set; }

    /// <summary>Throws a tool error unless <paramref name="tool"/> may be called, on <paramref name="target"/> of <paramref name="kind"/> if given.</summary>
    public void Demand(string tool, string? kind = null, List<string>? allowed = null, string? target = null)
    {
        if (AllowedTools is not null && !Allows(AllowedTools, tool))
        {
            throw new McpException($"The tool {tool} is not permitted by this server's configuration (Mcp:AllowedTools).");
        }

        if (kind is not null && (target is null || allowed is null || !Allows(allowed, target)))
        {
            throw new McpException($"{tool} is not permitted for the {kind} '{target}' by this server's configuration.");
        }
    }

    private static bool Allows(List<string> allowed, string value) =>
        allowed.SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Any(a => a == "*" || string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
}
