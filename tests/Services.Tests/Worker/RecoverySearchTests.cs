using System.Net;
using Integrations.Gate.Client;
using Integrations.Worker.Connectors;
using Integrations.Worker.GitHub;
using Integrations.Worker.Slack;

namespace Integrations.Services.Tests;

/// <summary>
/// The worker's recovery searches (is the issue or message an earlier attempt may have made already
/// there?) against scripted providers: they send the token only to the configured API's origin, and
/// a provider that pages forever, or in a circle, stops the search with a retryable error.
/// </summary>
public sealed class RecoverySearchTests
{
    private const string Token = "ghp_recoverysearchtesttoken0123456789";
    private static readonly Uri s_gitHub = new("http://github.test:8080/api/");
    private static readonly DateTimeOffset s_since = DateTimeOffset.UtcNow.AddHours(-1);

    [Theory]
    [InlineData("http://attacker.test:8080/api/repos/acme/app/issues?page=2")]  // another host
    [InlineData("http://github.test:9090/api/repos/acme/app/issues?page=2")]    // another port
    [InlineData("https://github.test:8080/api/repos/acme/app/issues?page=2")]   // another scheme
    [InlineData("//attacker.test/repos/acme/app/issues?page=2")]                // scheme-relative
    public async Task AnIssueSearchNeverFollowsANextLinkToAnotherOrigin(string link)
    {
        var provider = new ScriptedProvider(_ => GitHubPage("[]", link));
        var github = GitHub(provider);

        var stopped = await Assert.ThrowsAsync<RecoverySearchStoppedException>(() =>
            github.FindIssueAsync("acme/app", ["support"], _ => true, s_since, CancellationToken.None));

        var only = Assert.Single(provider.Requests);
        Assert.Equal("github.test", only.Uri.Host);
        Assert.DoesNotContain(Token, stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIssueSearchFollowsANextLinkOnTheApiOrigin()
    {
        var provider = new ScriptedProvider(request => request.RequestUri!.Query.Contains("page=2", StringComparison.Ordinal)
            ? GitHubPage("""[{"number":7,"html_url":"http://github.test/acme/app/issues/7","title":"t","body":"marker"}]""", null)
            : GitHubPage("[]", "http://GITHUB.test:8080/api/repos/acme/app/issues?page=2"));
        var github = GitHub(provider);

        var found = await github.FindIssueAsync("acme/app", ["support"], i => i.Body == "marker", s_since, CancellationToken.None);

        Assert.Equal(7, found?.Number);
        Assert.Equal(2, provider.Requests.Count);
        Assert.All(provider.Requests, r => Assert.Equal($"Bearer {Token}", r.Authorization));
    }

    [Fact]
    public async Task AnIssueSearchSentBackToAPageItReadStops()
    {
        var provider = new ScriptedProvider(_ => GitHubPage("[]", "http://github.test:8080/api/repos/acme/app/issues?page=2"));
        var github = GitHub(provider);

        var stopped = await Assert.ThrowsAsync<RecoverySearchStoppedException>(() =>
            github.FindIssueAsync("acme/app", ["support"], _ => false, s_since, CancellationToken.None));

        Assert.Equal(2, provider.Requests.Count);
        Assert.Contains("already read", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIssueSearchStopsAtThePageCap()
    {
        var page = 1;
        var provider = new ScriptedProvider(_ => GitHubPage("[]", $"http://github.test:8080/api/repos/acme/app/issues?page={++page}"));
        var github = GitHub(provider, maxSearchPages: 5);

        var stopped = await Assert.ThrowsAsync<RecoverySearchStoppedException>(() =>
            github.FindIssueAsync("acme/app", ["support"], _ => false, s_since, CancellationToken.None));

        Assert.Equal(5, provider.Requests.Count);
        Assert.Contains("MaxSearchPages", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHistorySearchHandedTheSameCursorForeverStops()
    {
        var provider = new ScriptedProvider(_ => SlackHistory("dXNlcjpVMEc5V0ZYTlo="));
        var slack = Slack(provider);

        var stopped = await Assert.ThrowsAsync<RecoverySearchStoppedException>(() =>
            slack.FindMessageAsync("C0RECOVERY", "slack:key:send_message", s_since, CancellationToken.None));

        Assert.Equal(2, provider.Requests.Count);
        Assert.Contains("cursor", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHistorySearchStopsAtThePageCap()
    {
        var page = 0;
        var provider = new ScriptedProvider(_ => SlackHistory($"cursor-{++page}"));
        var slack = Slack(provider, maxSearchPages: 5);

        var stopped = await Assert.ThrowsAsync<RecoverySearchStoppedException>(() =>
            slack.FindMessageAsync("C0RECOVERY", "slack:key:send_message", s_since, CancellationToken.None));

        Assert.Equal(5, provider.Requests.Count);
        Assert.Contains("MaxSearchPages", stopped.Message, StringComparison.Ordinal);
    }

    private static SlackWebApiClient Slack(ScriptedProvider provider, int maxSearchPages = 50)
    {
        var options = new SlackOptions { BaseUrl = new Uri("http://slack.test/api/"), BotToken = "xoxb-recovery-search-test-token", MaxSearchPages = maxSearchPages };
        return new SlackWebApiClient(new HttpClient(provider) { BaseAddress = options.BaseUrl }, Options.Create(options));
    }

    /// <summary>A page of <c>conversations.history</c> with no matching message and more to come after <paramref name="cursor"/>.</summary>
    private static HttpResponseMessage SlackHistory(string cursor) => new(HttpStatusCode.OK)
    {
        Content = new StringContent($$$"""{"ok":true,"messages":[{"ts":"1.000001"}],"has_more":true,"response_metadata":{"next_cursor":"{{{cursor}}}"}}""", Encoding.UTF8, "application/json"),
    };

    private static GitHubRestClient GitHub(ScriptedProvider provider, int maxSearchPages = 50) => new(
        new HttpClient(provider) { BaseAddress = s_gitHub },
        new GateClient(new HttpClient(new GateStub()) { BaseAddress = new Uri("http://gate.test/") }),
        Options.Create(new GitHubOptions { BaseUrl = s_gitHub, Token = Token, MaxSearchPages = maxSearchPages }));

    private static HttpResponseMessage GitHubPage(string json, string? next)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (next is not null)
        {
            response.Headers.TryAddWithoutValidation("Link", $"<{next}>; rel=\"next\"");
        }

        return response;
    }

    /// <summary>What reached the provider: the absolute URL and the Authorization header.</summary>
    private sealed record SeenRequest(Uri Uri, string? Authorization);

    /// <summary>Answers every request with <paramref name="answer"/> and records it.</summary>
    private sealed class ScriptedProvider(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        private readonly List<SeenRequest> _requests = [];

        public IReadOnlyList<SeenRequest> Requests => _requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _requests.Add(new SeenRequest(request.RequestUri!, request.Headers.Authorization?.ToString()));
            if (_requests.Count > 1_000)
            {
                throw new InvalidOperationException("The search did not stop.");
            }

            var response = answer(request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }

    /// <summary>The gate, told of every provider answer: never a pause.</summary>
    private sealed class GateStub : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"paused":false,"pausedFor":"00:00:00"}""", Encoding.UTF8, "application/json"),
            });
    }
}
