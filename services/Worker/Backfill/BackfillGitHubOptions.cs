namespace Integrations.Worker.Backfill;

/// <summary>The <c>Backfill:GitHub</c> section.</summary>
public sealed class BackfillGitHubOptions
{
    /// <summary>Repository webhooks as <c>owner/repo:hookId</c>; empty by default. The AppHost names the sandbox's hook in sandbox mode.</summary>
    public List<string> Hooks { get; set; } = [];
}
