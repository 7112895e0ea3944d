using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Integrations.Stack.Bench;

/// <summary>
/// Signed GitHub <c>push</c> deliveries at a constant arrival rate (open model). Delivery i is due
/// at start + i/rate whatever happened to earlier ones: a dispatcher releases every due delivery
/// each millisecond without waiting for answers, and the 202's latency is measured from the due
/// time, so a stalled receiver cannot hide latency by slowing the generator (no coordinated
/// omission). GitHub signs the body only, so one signed body goes out with a unique
/// <c>X-GitHub-Delivery</c> per request: every request is a new delivery and a new Slack message.
/// The wall-clock time each 202 arrived is kept (a Stopwatch anchored to UTC), to be compared with
/// the audit row's timestamp.
/// </summary>
internal sealed class PushLoad : IDisposable
{
    private readonly HttpClient _http;
    private readonly byte[] _body;
    private readonly string _signature;

    /// <summary>The signed push body every delivery of this load sends.</summary>
    public byte[] Body => _body;

    /// <summary>Its <c>X-Hub-Signature-256</c> value.</summary>
    public string Signature => _signature;

    public PushLoad(Uri receiver, string secret)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            BaseAddress = receiver,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _body = JsonSerializer.SerializeToUtf8Bytes(new
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
        });
        _signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), _body));
    }

    /// <summary>Sends <paramref name="rate"/> deliveries per second for <paramref name="duration"/>, with ids <c>&lt;run&gt;-&lt;n&gt;</c>.</summary>
    public async Task<LoadResult> RunAsync(string run, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var total = checked((int)(rate * duration.TotalSeconds));
        var result = new LoadResult(run, rate, total);
        var inFlight = new List<Task>(total);
        var sent = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        result.Start();
        while (sent < total && !cancellationToken.IsCancellationRequested)
        {
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(result.StartTimestamp).TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                inFlight.Add(SendAsync(result, sent, result.StartTimestamp + (long)((double)sent / rate * Stopwatch.Frequency)));
            }

            await timer.WaitForNextTickAsync(CancellationToken.None);
        }

        result.Finish(sent);
        await Task.WhenAll(inFlight);
        return result;
    }

    private async Task SendAsync(LoadResult result, int index, long dueTimestamp)
    {
        using var content = new ByteArrayContent(_body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = content };
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", result.DeliveryId(index));
        request.Headers.Add("X-Hub-Signature-256", _signature);
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/stack-bench");
        try
        {
            using var response = await _http.SendAsync(request);
            result.Answered(index, (int)response.StatusCode, Stopwatch.GetTimestamp(), dueTimestamp);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            result.Failed(index, ex, Stopwatch.GetTimestamp(), dueTimestamp);
        }
    }

    public void Dispose() => _http.Dispose();
}
