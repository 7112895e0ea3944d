using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Slack;

/// <summary>Bound from <c>Providers:Slack</c>; the token comes from <c>SLACK_BOT_TOKEN</c>.</summary>
public sealed class SlackOptions
{
    public const string SectionName = "Providers:Slack";

    /// <summary>The Web API base URL. Default <c>https://slack.com/api/</c>; the AppHost points it at the sandbox.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>Where a relative incoming-webhook URL is resolved. Default <c>https://hooks.slack.com/</c>.</summary>
    [Required]
    public Uri WebhookBaseUrl { get; set; } = new("https://hooks.slack.com/");

    /// <summary>The bot token (<c>xoxb-…</c>) from <c>SLACK_BOT_TOKEN</c>; empty when not set, and the flows that post are off.</summary>
    public string BotToken { get; set; } = "";

    /// <summary>The incoming webhook URL from <c>SLACK_WEBHOOK_URL</c>; optional.</summary>
    public string? IncomingWebhookUrl { get; set; }

    /// <summary>
    /// The most pages (200 messages each) one recovery search of a channel's history reads before it
    /// stops and the attempt is retried later (<c>Providers:Slack:MaxSearchPages</c>). Default 50.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxSearchPages { get; set; } = 50;
}
