using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization;
using Integrations.Gate.Client;
using Integrations.Worker.Connectors;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.GitHub;

/// <summary>
/// A thin typed client over the GitHub REST API calls the connectors use: tags, compare, and
/// issues. It runs on the factory's HttpClient pipeline (telemetry, trace propagation, standard
/// resilience), which Octokit's own HTTP stack would bypass. After every answer it reports the
/// <c>X-RateLimit-*</c> and <c>Retry-After</c> headers to the gate, so a spent window pauses every
/// worker, and turns refusals into <see cref="GitHubApiException"/>. The token goes only to the
/// configured API's origin: a paging link elsewhere stops the search (<see cref="RecoverySearchStoppedException"/>).
/// </summary>
public sealed class GitHubRestClient(HttpClient http, GateClient gate, IOptions<GitHubOptions> options)
{
    private const string Provider = "github";

    /// <summary>The target of <c>rel="next"</c> in a <c>Link</c> header. A URL may itself hold commas, so links are not split on them.</summary>
    private static readonly Regex s_nextLink = new("<([^>]*)>\\s*;\\s*rel=\"next\"", RegexOptions.CultureInvariant);

    public async Task<IReadOnlyList<GitHubTag>> ListTagsAsync(string repository, CancellationToken cancellationToken)
    {
        var tags = await SendAsync<List<TagJson>>(HttpMethod.Get, $"repos/{repository}/tags?per_page=100", null, cancellationToken);
        return [.. tags.Select(t => new GitHubTag(t.Name, t.Commit.Sha))];
    }

    /// <summary>The commits after <paramref name="from"/> up to <paramref name="to"/>, oldest first (GitHub's compare).</summary>
    public async Task<IReadOnlyList<GitHubCommit>> CompareAsync(string repository, string from, string to, CancellationToken cancellationToken)
    {
        var comparison = await SendAsync<CompareJson>(HttpMethod.Get,
            $"repos/{repository}/compare/{Uri.EscapeDataString(from)}...{Uri.EscapeDataString(to)}", null, cancellationToken);
        return [.. comparison.Commits.Select(c => new GitHubCommit(c.Sha, c.Commit.Message, c.Commit.Author?.Name ?? "unknown", c.Author?.Login))];
    }

    public Task<GitHubIssue> CreateIssueAsync(string repository, string title, string body, IReadOnlyList<string> labels, CancellationToken cancellationToken) =>
        SendAsync<GitHubIssue>(HttpMethod.Post, $"repos/{repository}/issues", new { title, body, labels }, cancellationToken);

    /// <summary>
    /// The newest issue carrying every one of <paramref name="labels"/>, open or closed, that
    /// <paramref name="match"/> accepts, or null. With <paramref name="updatedSince"/>, every issue
    /// updated since then is read, page by page through the <c>Link</c> header, up to
    /// <see cref="GitHubOptions.MaxSearchPages"/>; without it, only the newest 100. A search that
    /// reaches the cap, or is sent back to a page it already read, stops with a
    /// <see cref="RecoverySearchStoppedException"/> rather than loop: the attempt is retried later.
    /// </summary>
    public async Task<GitHubIssue?> FindIssueAsync(
        string repository, IReadOnlyList<string> labels, Func<GitHubIssue, bool> match, DateTimeOffset? updatedSince, CancellationToken cancellationToken)
    {
        var next = $"repos/{repository}/issues?state=all&per_page=100&labels={Uri.EscapeDataString(string.Join(',', labels))}";
        if (updatedSince is { } since)
        {
            next += $"&since={Uri.EscapeDataString(since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))}";
        }

        var read = new HashSet<string>(StringComparer.Ordinal);
        while (next is not null)
        {
            var (issues, nextPage) = await SendPageAsync<List<GitHubIssue>>(HttpMethod.Get, next, null, cancellationToken);
            if (issues.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            read.Add(new Uri(options.Value.BaseUrl, next).AbsoluteUri);
            next = updatedSince is null || nextPage is null ? null : SameOrigin(nextPage);
            if (next is not null && read.Contains(next))
            {
                throw new RecoverySearchStoppedException(Provider, "the Link header named a page already read");
            }

            if (next is not null && read.Count >= options.Value.MaxSearchPages)
            {
                throw new RecoverySearchStoppedException(Provider, $"the issue search read {read.Count} pages (Providers:GitHub:MaxSearchPages) without an answer");
            }
        }

        return null;
    }

    /// <summary>
    /// A repository webhook's delivery attempts delivered at or after <paramref name="since"/>, newest first,
    /// read page by page through the <c>Link</c> header's <c>cursor</c> (GitHub's deliveries have no
    /// <c>since</c> of their own: reading stops at the first page that reaches back before it), up to
    /// <see cref="GitHubOptions.MaxSearchPages"/> pages.
    /// </summary>
    public async Task<IReadOnlyList<GitHubHookDelivery>> ListHookDeliveriesAsync(
        string repository, long hookId, DateTimeOffset since, int perPage, CancellationToken cancellationToken)
    {
        var next = $"repos/{repository}/hooks/{hookId}/deliveries?per_page={perPage}";
        var found = new List<GitHubHookDelivery>();
        var read = new HashSet<string>(StringComparer.Ordinal);
        while (next is not null)
        {
            var (page, nextPage) = await SendPageAsync<List<GitHubHookDelivery>>(HttpMethod.Get, next, null, cancellationToken);
            found.AddRange(page.Where(d => d.DeliveredAt >= since));
            read.Add(new Uri(options.Value.BaseUrl, next).AbsoluteUri);
            next = nextPage is null || page.Count == 0 || page[^1].DeliveredAt < since ? null : SameOrigin(nextPage);
            if (next is not null && (read.Contains(next) || read.Count >= options.Value.MaxSearchPages))
            {
                throw new RecoverySearchStoppedException(Provider, $"the hook's delivery list did not end within {read.Count} pages (Providers:GitHub:MaxSearchPages), or named a page already read");
            }
        }

        return found;
    }

    /// <summary><c>POST …/hooks/{hookId}/deliveries/{deliveryId}/attempts</c>: GitHub sends that delivery again (202).</summary>
    public async Task RedeliverAsync(string repository, long hookId, long deliveryId, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(HttpMethod.Post, $"repos/{repository}/hooks/{hookId}/deliveries/{deliveryId}/attempts", null, cancellationToken);
    }

    /// <summary>
    /// A <c>rel="next"</c> link is followed, with the token, only on the configured API's own
    /// scheme, host and port: a <c>Link</c> header naming any other origin (a compromised proxy, a
    /// mirror, a typo in GitHub Enterprise's configuration) would otherwise receive the token.
    /// </summary>
    private string SameOrigin(string link)
    {
        var api = options.Value.BaseUrl;
        if (!Uri.TryCreate(api, link, out var target)
            || Uri.Compare(target, api, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new RecoverySearchStoppedException(Provider, "a Link header named a next page on another origin than the configured API, which is not sent the token");
        }

        return target.AbsoluteUri;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        (await SendPageAsync<T>(method, path, body, cancellationToken)).Body;

    /// <summary>One call, with the <c>rel="next"</c> URL of GitHub's <c>Link</c> header when there is a next page.</summary>
    private async Task<(T Body, string? Next)> SendPageAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(method, path, body, cancellationToken);
        var content = await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new GitHubApiException((int)response.StatusCode, "empty body", isRateLimited: false, retryAfter: null);
        return (content, NextLink(response));
    }

    /// <summary>One call, its rate-limit headers reported to the gate; a refusal is a <see cref="GitHubApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendCheckedAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.Token);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", "2022-11-28");
        request.Headers.UserAgent.ParseAdd("integrations/1.0");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await http.SendAsync(request, cancellationToken);
        var rateLimited = response.StatusCode == HttpStatusCode.TooManyRequests
            || (response.StatusCode == HttpStatusCode.Forbidden && (Header(response, "X-RateLimit-Remaining") == "0" || response.Headers.RetryAfter is not null));
        await gate.ReportAsync(Provider, options.Value.Connection, response, rateLimited, cancellationToken);

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw new GitHubApiException((int)response.StatusCode, await MessageAsync(response, cancellationToken), rateLimited, RetryAfter(response));
            }
        }

        return response;
    }

    private static string? NextLink(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var values)
            ? values.Select(v => s_nextLink.Match(v)).FirstOrDefault(m => m.Success)?.Groups[1].Value
            : null;

    private static async Task<string> MessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return document.RootElement.TryGetProperty("message", out var message) ? message.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "";
        }
    }

    /// <summary><c>Retry-After</c>, else the wait until <c>X-RateLimit-Reset</c> when the window is spent.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            return retryAfter.Delta ?? (retryAfter.Date - DateTimeOffset.UtcNow);
        }

        return Header(response, "X-RateLimit-Remaining") == "0"
            && long.TryParse(Header(response, "X-RateLimit-Reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var reset)
            ? DateTimeOffset.FromUnixTimeSeconds(reset) - DateTimeOffset.UtcNow
            : null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private sealed record TagJson([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("commit")] ShaJson Commit);

    private sealed record ShaJson([property: JsonPropertyName("sha")] string Sha);

    private sealed record CompareJson([property: JsonPropertyName("commits")] List<CommitJson> Commits);

    private sealed record CommitJson(
        [property: JsonPropertyName("sha")] string Sha,
        [property: JsonPropertyName("commit")] CommitDetailJson Commit,
        [property: JsonPropertyName("author")] LoginJson? Author);

    private sealed record CommitDetailJson(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("author")] NameJson? Author);

    private sealed record NameJson([property: JsonPropertyName("name")] string? Name);

    private sealed record LoginJson([property: JsonPropertyName("login")] string? Login);
}
