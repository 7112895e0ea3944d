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
using System.Runtime.InteropServices;
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

var total = rate * seconds;
var latencies = new double[total];
var fromSend = new double[total];
var statuses = new int[total];
var run = $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
var clock = Stopwatch.StartNew();
// Requests are not kept once answered (a retained Task keeps its request and response alive):
// a countdown tells when the last one is done.
var outstanding = total;
var allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

// One pacing thread sleeps until each request is due and starts it there, without a timer or a
// thread-pool hop in between: the generator's own lateness (time from due to send) stays well under
// a millisecond, so "from due time" is the server's latency plus little of the generator's.
var pacer = new Thread(() =>
{
    for (var i = 0; i < total; i++)
    {
        var due = TimeSpan.FromSeconds((double)i / rate);
        SleepUntil(due);
        _ = SendAsync(i, due);
    }
}) { IsBackground = true, Name = "pacer" };
pacer.Start();
pacer.Join();

await allAnswered.Task;
var elapsed = clock.Elapsed.TotalSeconds;
var firstMeasured = rate * warmUp;

async Task SendAsync(int index, TimeSpan due)
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await http.SendAsync(request, timeout.Token);
        await response.Content.CopyToAsync(Stream.Null, timeout.Token);
        statuses[index] = (int)response.StatusCode;
    }
    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
    {
        statuses[index] = -1;
    }
    finally
    {
        latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
        fromSend[index] = (clock.Elapsed - sent).TotalMilliseconds;
        // Counted whatever happened, so a request that failed in an unexpected way cannot hang the run.
        if (Interlocked.Decrement(ref outstanding) == 0)
        {
            allAnswered.TrySetResult();
        }
    }
}

// Sleeps until the clock reaches due. On Linux nanosleep keeps that within tens of microseconds
// (Thread.Sleep rounds to whole milliseconds); elsewhere whole-millisecond sleeps are the best there is.
void SleepUntil(TimeSpan due)
{
    while (clock.Elapsed is var now && now < due)
    {
        var remaining = due - now;
        if (OperatingSystem.IsLinux())
        {
            var sleep = new Timespec { Seconds = (long)remaining.TotalSeconds, Nanoseconds = remaining.Ticks % TimeSpan.TicksPerSecond * 100 };
            Native.nanosleep(in sleep, IntPtr.Zero);
        }
        else
        {
            Thread.Sleep(remaining < TimeSpan.FromMilliseconds(1) ? TimeSpan.Zero : remaining);
        }
    }
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

for (var window = 0; window * WindowSeconds < seconds; window++)
{
    var from = window * WindowSeconds * rate;
    var part = latencies[from..Math.Min(total, from + WindowSeconds * rate)];
    Array.Sort(part);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {window * WindowSeconds,3}-{(window + 1) * WindowSeconds,3} s{(from < firstMeasured ? " (warm-up)" : "")}: p50 {Percentile(part, 0.50):F2}  p99 {Percentile(part, 0.99):F2}  max {part[^1]:F2} ms"));
}

var slowest = Enumerable.Range(firstMeasured, total - firstMeasured).OrderByDescending(i => latencies[i]).Take(3);
Console.WriteLine(string.Join(", ", slowest.Select(i => string.Create(CultureInfo.InvariantCulture, $"{latencies[i]:F1} ms (due at {(double)i / rate:F2} s)"))).Insert(0, "slowest: "));
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

internal struct Timespec
{
    public long Seconds;
    public long Nanoseconds;
}

internal static partial class Native
{
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int nanosleep(in Timespec request, IntPtr remaining);
}
