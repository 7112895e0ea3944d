using System.Text.Json.Serialization;

namespace Integrations.Worker.GitHub;

/// <summary>An issue as GitHub's REST API returns it (the fields we read).</summary>
public sealed record GitHubIssue(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("html_url")] string HtmlUrl,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("body")] string? Body);
