namespace Integrations.Sandbox.OAuth;

/// <summary>
/// The OAuth apps the sandbox knows, by provider (<c>google</c>, <c>github</c>, <c>slack</c>): the
/// same client ids and secrets the AppHost gives the broker (<c>GOOGLE_CLIENT_ID</c>,
/// <c>GOOGLE_CLIENT_SECRET</c>, and likewise for GitHub and Slack when set). A provider without a
/// client id accepts no one.
/// </summary>
public sealed class OAuthClientOptions
{
    public Dictionary<string, OAuthClient> Clients { get; } = new(StringComparer.OrdinalIgnoreCase);
}
