// Constant-arrival-rate load generator for signed GitHub deliveries (open model).
// Request i is due at start + i/rate whatever happened to earlier ones, and its latency is
// measured from that due time, so a stalled server cannot hide latency by slowing the
// generator down (no coordinated omission). GitHub signs the body only, so one signed body
// is sent with a unique X-GitHub-Delivery per request: every request is a new delivery.
//
// The first <warm-up seconds> run at the same rate but are reported apart from the measured window,
// so the figures are those of services whose JIT has settled; every 5 s window is printed too.
//
// Usage: LoadGen <url> <rate per second> <seconds> <secret> [warm-up seconds, default 0]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

if (args.Length is not (4 or 5))
{
    Console.Error.WriteLine("usage: LoadGen <url> <rate per second> <seconds> <secret> [warm-up seconds]");
    return 2;
}

var url = new Uri(args[0]);
var rate = int.Parse(args[1], CultureInfo.InvariantCulture);
var measured = int.Parse(args[2], CultureInfo.InvariantCulture);
var warmUp = args.Length == 5 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
var seconds = warmUp + measured;
const int WindowSeconds = 5;
var body = Encoding.UTF8.GetBytes("""{"zen":"Design for failure.","hook_id":1,"repository":{"full_name":"acme/bench"}}""");
var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(args[3]), body));

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
{
    Timeout = TimeSpan.FromSeconds(30),
};

var total = rate * seconds;
var latencies = new double[total];
var fromSend = new double[total];
var statuses = new int[total];
var run = $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
var clock = Stopwatch.StartNew();
var tasks = new List<Task>(total);

for (var i = 0; i < total; i++)
{
    var due = TimeSpan.FromSeconds((double)i / rate);
    var wait = due - clock.Elapsed;
    if (wait > TimeSpan.FromMilliseconds(1))
    {
        await Task.Delay(wait);
    }

    var index = i;
    tasks.Add(Task.Run(async () =>
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add("X-GitHub-Event", "ping");
        request.Headers.Add("X-GitHub-Delivery", $"{run}-{index}");
        request.Headers.Add("X-Hub-Signature-256", signature);
        var sent = clock.Elapsed;
        try
        {
            using var response = await http.SendAsync(request);
            statuses[index] = (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            statuses[index] = -1;
        }

        latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
        fromSend[index] = (clock.Elapsed - sent).TotalMilliseconds;
    }));
}

await Task.WhenAll(tasks);
var elapsed = clock.Elapsed.TotalSeconds;
var firstMeasured = rate * warmUp;

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

for (var window = 0; window * WindowSeconds < seconds; window++)
{
    var from = window * WindowSeconds * rate;
    var part = latencies[from..Math.Min(total, from + WindowSeconds * rate)];
    Array.Sort(part);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {window * WindowSeconds,3}-{(window + 1) * WindowSeconds,3} s{(from < firstMeasured ? " (warm-up)" : "")}: p50 {Percentile(part, 0.50):F2}  p99 {Percentile(part, 0.99):F2}  max {part[^1]:F2} ms"));
}

var steady = latencies[firstMeasured..];
Array.Sort(steady);
var steadyFromSend = fromSend[firstMeasured..];
Array.Sort(steadyFromSend);
var accepted = statuses.Count(s => s == 202);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"constant rate {rate}/s, {warmUp} s warm-up then {measured} s measured: sent {total}, accepted (202) {accepted}, other {total - accepted}, achieved {total / elapsed:F0}/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"latency ms from due time (measured {measured} s): p50 {Percentile(steady, 0.50):F2}  p90 {Percentile(steady, 0.90):F2}  p99 {Percentile(steady, 0.99):F2}  p99.9 {Percentile(steady, 0.999):F2}  max {steady[^1]:F2}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"latency ms from send (the generator's own lateness left out): p50 {Percentile(steadyFromSend, 0.50):F2}  p90 {Percentile(steadyFromSend, 0.90):F2}  p99 {Percentile(steadyFromSend, 0.99):F2}  p99.9 {Percentile(steadyFromSend, 0.999):F2}  max {steadyFromSend[^1]:F2}"));
return accepted == total ? 0 : 1;
