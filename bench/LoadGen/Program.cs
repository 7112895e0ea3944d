// Constant-arrival-rate load generator for signed GitHub ping deliveries (open model, through
// Bench.Kit's OpenLoop: latency from each request's due time, so no coordinated omission), one
// signed body with a unique X-GitHub-Delivery per request: every request is a new delivery.
//
// The first <warm-up seconds> run at the same rate but are reported apart from the measured window,
// so the figures are those of services whose JIT has settled; every 5 s window is printed too.
//
// Usage: LoadGen <url> <rate per second> <seconds> <secret> [warm-up seconds, default 0]
//        LoadGen --wrk <secret>   prints the ping body and its signature, for bench/github-ping.lua
using System.Globalization;
using System.Text;
using Integrations.Bench.Kit;

if (args is ["--wrk", var wrkSecret])
{
    // Two lines, read by bench/receiver.sh into BENCH_BODY and BENCH_SIGNATURE.
    Console.WriteLine(GitHubWebhook.PingBody);
    Console.WriteLine(GitHubWebhook.Sign(Encoding.UTF8.GetBytes(GitHubWebhook.PingBody), wrkSecret));
    return 0;
}

if (args.Length is not (4 or 5))
{
    Console.Error.WriteLine("usage: LoadGen <url> <rate per second> <seconds> <secret> [warm-up seconds]\n       LoadGen --wrk <secret>");
    return 2;
}

var url = new Uri(args[0]);
var rate = int.Parse(args[1], CultureInfo.InvariantCulture);
var measured = int.Parse(args[2], CultureInfo.InvariantCulture);
var warmUp = args.Length == 5 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
var seconds = warmUp + measured;
const int WindowSeconds = 5;
var ping = new GitHubWebhook("ping", Encoding.UTF8.GetBytes(GitHubWebhook.PingBody), args[3]);

// The handler itself, without HttpClient's timeout linking or trace propagation: the generator
// shares the machine with what it measures, so it spends as little CPU per request as it can.
using var http = new HttpMessageInvoker(new SocketsHttpHandler
{
    MaxConnectionsPerServer = 512,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
    ActivityHeadersPropagator = null,
    ConnectTimeout = TimeSpan.FromSeconds(10),
});

var runId = $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
var run = await OpenLoop.RunAsync(rate, TimeSpan.FromSeconds(seconds), async index =>
{
    using var request = ping.NewRequest(url, $"{runId}-{index}");
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
    using var response = await http.SendAsync(request, timeout.Token);
    await response.Content.CopyToAsync(Stream.Null, timeout.Token);
    return (int)response.StatusCode;
});
var total = run.Sent;
var firstMeasured = rate * warmUp;

for (var window = 0; window * WindowSeconds < seconds; window++)
{
    var from = window * WindowSeconds * rate;
    var part = LatencySummary.Of(Enumerable.Range(from, Math.Min(total, from + WindowSeconds * rate) - from).Select(run.FromDueMilliseconds));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {window * WindowSeconds,3}-{(window + 1) * WindowSeconds,3} s{(from < firstMeasured ? " (warm-up)" : "")}: p50 {part.P50:F2}  p99 {part.P99:F2}  max {part.Max:F2} ms"));
}

var measuredIndexes = Enumerable.Range(firstMeasured, total - firstMeasured).ToList();
var slowest = measuredIndexes.OrderByDescending(run.FromDueMilliseconds).Take(3);
Console.WriteLine(string.Join(", ", slowest.Select(i => string.Create(CultureInfo.InvariantCulture, $"{run.FromDueMilliseconds(i):F1} ms (due at {run.DueAt(i).TotalSeconds:F2} s)"))).Insert(0, "slowest: "));
var steady = LatencySummary.Of(measuredIndexes.Select(run.FromDueMilliseconds));
var steadyFromSend = LatencySummary.Of(measuredIndexes.Select(run.FromSendMilliseconds));
var accepted = run.Count(202);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"constant rate {rate}/s, {warmUp} s warm-up then {measured} s measured: sent {total}, accepted (202) {accepted}, other {total - accepted}, achieved {total / run.Elapsed.TotalSeconds:F0}/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"latency ms from due time (measured {measured} s): p50 {steady.P50:F2}  p90 {steady.P90:F2}  p99 {steady.P99:F2}  p99.9 {steady.P999:F2}  max {steady.Max:F2}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"latency ms from send (the generator's own lateness left out): p50 {steadyFromSend.P50:F2}  p90 {steadyFromSend.P90:F2}  p99 {steadyFromSend.P99:F2}  p99.9 {steadyFromSend.P999:F2}  max {steadyFromSend.Max:F2}"));
return accepted == total ? 0 : 1;
