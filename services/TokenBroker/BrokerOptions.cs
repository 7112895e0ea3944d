using System.ComponentModel.DataAnnotations;

namespace Integrations.TokenBroker;

/// <summary>The broker's own settings, bound from the <c>Broker</c> section.</summary>
public sealed class BrokerOptions
{
    public const string SectionName = "Broker";
    public const string ApiKeyConfiguration = "Broker:ApiKey";

    /// <summary>The key callers present in <c>X-Api-Key</c>; the AppHost generates it. Required.</summary>
    [Required(ErrorMessage = "Broker:ApiKey is required (the AppHost generates broker-api-key).")]
    [MinLength(16, ErrorMessage = "Broker:ApiKey must be at least 16 characters.")]
    public string ApiKey { get; set; } = "";

    /// <summary>How long an authorization <c>state</c> may be redeemed. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ErrorMessage = "Broker:StateLifetime must be between 10 s and 1 h.")]
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A token handed out stays valid at least this long; one closer to expiry is refreshed first. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:30:00", ErrorMessage = "Broker:RefreshMargin must be between 0 and 30 min.")]
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The broker's public base URL, from which the OAuth callback URL is built. Default: unset,
    /// the scheme and host of the authorize request.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>
    /// Each business action and the one scope it needs, e.g. <c>ReadSupportSheet</c> needs Google
    /// <c>drive.readonly</c>. A token is handed out only for a declared action whose scope was granted.
    /// </summary>
    public Dictionary<string, ActionScope> Actions { get; set; } = new(StringComparer.Ordinal)
    {
        ["ReadSupportSheet"] = new() { Provider = "google", Scope = "https://www.googleapis.com/auth/drive.readonly" },
        ["UpdateSupportSheet"] = new() { Provider = "google", Scope = "https://www.googleapis.com/auth/drive.file" },
        ["ReadRepository"] = new() { Provider = "github", Scope = "read:user" },
        ["ReadChannelHistory"] = new() { Provider = "slack", Scope = "channels:history" },
        ["SendMessage"] = new() { Provider = "slack", Scope = "chat:write" },
    };
}
