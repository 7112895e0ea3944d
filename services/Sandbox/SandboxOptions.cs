namespace Integrations.Sandbox;

/// <summary>The credentials the sandbox accepts and signs with: the same values the AppHost gives the other services.</summary>
public sealed class SandboxOptions
{
    /// <summary>The only bot token <c>chat.postMessage</c> accepts, from <c>SLACK_BOT_TOKEN</c>.</summary>
    public string SlackBotToken { get; set; } = "";

    /// <summary>The incoming webhook URL (or its path) from <c>SLACK_WEBHOOK_URL</c>.</summary>
    public string SlackWebhookUrl { get; set; } = "";

    /// <summary>The only API key the Stripe API accepts, from <c>STRIPE_SECRET_KEY</c>.</summary>
    public string StripeSecretKey { get; set; } = "";

    /// <summary>Signs GitHub webhooks the sandbox sends, from <c>GITHUB_WEBHOOK_SECRET</c>.</summary>
    public string GitHubWebhookSecret { get; set; } = "";

    /// <summary>Signs Stripe webhooks the sandbox sends, from <c>STRIPE_WEBHOOK_SECRET</c>.</summary>
    public string StripeWebhookSecret { get; set; } = "";

    /// <summary>Signs Slack events the sandbox sends, from <c>SLACK_SIGNING_SECRET</c>.</summary>
    public string SlackSigningSecret { get; set; } = "";

    /// <summary>The only token the GitHub API accepts, from <c>GITHUB_TOKEN</c>.</summary>
    public string GitHubToken { get; set; } = "";

    /// <summary>
    /// The Standard Webhooks sources the sandbox sends as (the help desk's <c>support</c>), each with its
    /// <c>whsec_</c> secret, from <c>Sandbox:StandardSources:&lt;source&gt;</c>; the AppHost passes every declared one.
    /// A source verified with a <c>whpk_</c> public key is listed too, but the sandbox cannot sign as it.
    /// </summary>
    public Dictionary<string, string> StandardSources { get; } = new(StringComparer.Ordinal);
}
