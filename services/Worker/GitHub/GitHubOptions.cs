using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.GitHub;

/// <summary>Bound from <c>Providers:GitHub</c>; the token comes from <c>GITHUB_TOKEN</c>.</summary>
public sealed class GitHubOptions
{
    public const string SectionName = "Providers:GitHub";

    /// <summary>The REST API root. Default <c>https://api.github.com/</c>; the AppHost points it at the sandbox.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.github.com/");

    /// <summary>A token with <c>contents:read</c> and <c>issues:write</c> on the repositories used, from <c>GITHUB_TOKEN</c>; empty when not set, and the flows that call GitHub are off.</summary>
    public string Token { get; set; } = "";

    /// <summary>The rate budget this token spends in the gate. Default <c>app</c>.</summary>
    [Required]
    public string Connection { get; set; } = "app";

    /// <summary>
    /// The most pages (100 issues each) one recovery search reads before it stops and the attempt is
    /// retried later (<c>Providers:GitHub:MaxSearchPages</c>). Default 50.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxSearchPages { get; set; } = 50;
}
