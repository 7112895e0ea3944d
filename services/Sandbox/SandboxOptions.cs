namespace Integrations.Sandbox;

/// <summary>The credentials the sandbox accepts: the same values the AppHost gives the connectors.</summary>
public sealed class SandboxOptions
{
    /// <summary>The only bot token <c>chat.postMessage</c> accepts, from <c>SLACK_BOT_TOKEN</c>.</summary>
    public string SlackBotToken { get; set; } = "";

    /// <summary>The incoming webhook URL (or its path) from <c>SLACK_WEBHOOK_URL</c>.</summary>
    public string SlackWebhookUrl { get; set; } = "";

    /// <summary>The only token the GitHub API accepts, from <c>GITHUB_TOKEN</c>.</summary>
    public string GitHubToken { get; set; } = "";
}
