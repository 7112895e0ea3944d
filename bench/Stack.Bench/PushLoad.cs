using System.Text.Json;
using Integrations.Bench.Kit;

namespace Integrations.Stack.Bench;

/// <summary>
/// Signed GitHub <c>push</c> deliveries at a constant arrival rate, through Bench.Kit's open loop
/// (the 202's latency counts from each delivery's due time: no coordinated omission). One signed
/// body goes out with a unique <c>X-GitHub-Delivery</c> per request: every request is a new delivery
/// and a new Slack message. The wall-clock time each 202 arrived is kept, to be compared with the
/// audit row's timestamp.
/// </summary>
internal sealed class PushLoad : IDisposable
{
    private static readonly Uri s_webhook = new("/webhooks/github", UriKind.Relative);

    private readonly HttpClient _http;
    private readonly GitHubWebhook _push;

    public PushLoad(Uri receiver, string secret)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            BaseAddress = receiver,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _push = new GitHubWebhook("push", JsonSerializer.SerializeToUtf8Bytes(new
        {
            @ref = "refs/heads/main",
            repository = new { full_name = "acme/stack-bench" },
            pusher = new { name = "octocat" },
            sender = new { login = "octocat" },
            commits = new[]
            {
                new { id = $"{1:x40}", message = "feat: measure the whole stack" },
                new { id = $"{2:x40}", message = "fix: keep up with the arrival rate" },
            },
        }), secret);
    }

    /// <summary>The signed push body every delivery of this load sends.</summary>
    public byte[] Body => _push.Body;

    /// <summary>Its <c>X-Hub-Signature-256</c> value.</summary>
    public string Signature => _push.Signature;

    /// <summary>Sends <paramref name="rate"/> deliveries per second for <paramref name="duration"/>, with ids <c>&lt;run&gt;-&lt;n&gt;</c>.</summary>
    public async Task<LoadResult> RunAsync(string run, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var requests = await OpenLoop.RunAsync(rate, duration, async index =>
        {
            using var request = _push.NewRequest(s_webhook, LoadResult.DeliveryId(run, index));
            request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/stack-bench");
            using var response = await _http.SendAsync(request);
            return (int)response.StatusCode;
        }, cancellationToken);
        return new LoadResult(run, requests);
    }

    public void Dispose() => _http.Dispose();
}
