namespace Integrations.TokenBroker.Providers;

/// <summary>
/// One provider's OAuth app, bound from <c>Providers:&lt;Name&gt;</c> (<c>Google</c>, <c>GitHub</c>,
/// <c>Slack</c>). Endpoints default to the provider's real ones; in the sandbox the AppHost sets
/// <c>BaseUrl</c> and every endpoint keeps its real path below it. The client secret is referenced
/// by the configuration key that holds it, and read only when calling the provider.
/// </summary>
public sealed class OAuthProviderOptions
{
    /// <summary><c>google</c>, <c>github</c> or <c>slack</c>: the wire format and the name in routes.</summary>
    public string Name { get; set; } = "";

    /// <summary>The authorize endpoint (real default per provider).</summary>
    public Uri? AuthorizeEndpoint { get; set; }

    /// <summary>The token endpoint (real default per provider).</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>The revoke endpoint (real default per provider).</summary>
    public Uri? RevokeEndpoint { get; set; }

    /// <summary>
    /// Where the broker asks who a new token's user is (real default per provider: Google Drive's
    /// <c>about</c>, GitHub's <c>/user</c>). Null for Slack, whose token answer names the user.
    /// </summary>
    public Uri? UserEndpoint { get; set; }

    /// <summary>Stands in for the provider's host (the sandbox). Default: unset, the real endpoints.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The client id. Default: the value of <see cref="ClientIdKey"/>.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The configuration key of the client id, e.g. <c>GOOGLE_CLIENT_ID</c>.</summary>
    public string ClientIdKey { get; set; } = "";

    /// <summary>The configuration key that holds the client secret, e.g. <c>GOOGLE_CLIENT_SECRET</c>; never the secret itself.</summary>
    public string ClientSecretKey { get; set; } = "";

    /// <summary>The scopes of a new authorization: read-only by default.</summary>
    public List<string> DefaultScopes { get; set; } = [];

    /// <summary>How the provider separates scopes in requests: a space, or a comma for Slack.</summary>
    public string ScopeSeparator { get; set; } = " ";

    public bool IsConfigured => ClientId.Length > 0;

    /// <summary>An endpoint as called: rebased onto <see cref="BaseUrl"/> when set.</summary>
    public Uri Resolve(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (BaseUrl is null)
        {
            return endpoint;
        }

        // The base stands for the provider's API root; a prefix both paths share (Slack's api/) is not repeated.
        var basePath = BaseUrl.AbsolutePath.TrimEnd('/') + "/";
        var path = endpoint.AbsolutePath.TrimStart('/');
        for (var i = 1; i < basePath.Length; i++)
        {
            var suffix = basePath[i..].TrimStart('/');
            if (suffix.Length > 0 && basePath[i - 1] == '/' && path.StartsWith(suffix, StringComparison.Ordinal))
            {
                path = path[suffix.Length..];
                break;
            }
        }

        return new Uri(new Uri(BaseUrl, basePath), path + endpoint.Query);
    }

    /// <summary>The real endpoints and read-only scopes of the providers the broker knows.</summary>
    public static OAuthProviderOptions Defaults(string name) => name switch
    {
        "google" => new()
        {
            AuthorizeEndpoint = new("https://accounts.google.com/o/oauth2/v2/auth"),
            TokenEndpoint = new("https://oauth2.googleapis.com/token"),
            RevokeEndpoint = new("https://oauth2.googleapis.com/revoke"),
            UserEndpoint = new("https://www.googleapis.com/drive/v3/about?fields=user"),
            ClientIdKey = "GOOGLE_CLIENT_ID",
            ClientSecretKey = "GOOGLE_CLIENT_SECRET",
            DefaultScopes = ["https://www.googleapis.com/auth/drive.readonly"],
        },
        "github" => new()
        {
            AuthorizeEndpoint = new("https://github.com/login/oauth/authorize"),
            TokenEndpoint = new("https://github.com/login/oauth/access_token"),
            RevokeEndpoint = new("https://api.github.com/applications/{client_id}/token"),
            UserEndpoint = new("https://api.github.com/user"),
            ClientIdKey = "GITHUB_CLIENT_ID",
            ClientSecretKey = "GITHUB_CLIENT_SECRET",
            DefaultScopes = ["read:user"],
        },
        "slack" => new()
        {
            AuthorizeEndpoint = new("https://slack.com/oauth/v2/authorize"),
            TokenEndpoint = new("https://slack.com/api/oauth.v2.access"),
            RevokeEndpoint = new("https://slack.com/api/auth.revoke"),
            ClientIdKey = "SLACK_CLIENT_ID",
            ClientSecretKey = "SLACK_CLIENT_SECRET",
            DefaultScopes = ["channels:history"],
            ScopeSeparator = ",",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a known provider."),
    };

    public static readonly IReadOnlyList<string> Known = ["google", "github", "slack"];

    /// <summary>The configuration section of a provider: <c>Providers:Google</c>.</summary>
    public static string Section(string name) => name switch
    {
        "github" => "Providers:GitHub",
        _ => $"Providers:{char.ToUpperInvariant(name[0])}{name[1..]}",
    };
}
