using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Integrations.Stack.Bench;

/// <summary>
/// Signed GitHub pushes as fast as <c>wrk</c> sends them (closed model: <c>-t2 -c32</c>), through
/// <c>bench/github-ping.lua</c>: one body and signature, a unique <c>X-GitHub-Delivery</c>
/// (<c>&lt;run&gt;-&lt;thread&gt;-&lt;n&gt;</c>) per request. Run from the repository root.
/// </summary>
internal static partial class Wrk
{
    public static async Task<WrkResult> RunAsync(Uri target, string run, byte[] body, string signature, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("wrk", ["-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "-s", "bench/github-ping.lua", target.GetLeftPart(UriPartial.Authority)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["BENCH_RUN"] = run;
        start.Environment["BENCH_BODY"] = Encoding.UTF8.GetString(body);
        start.Environment["BENCH_SIGNATURE"] = signature;
        start.Environment["BENCH_EVENT"] = "push";
        var startedAt = DateTimeOffset.UtcNow;
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        var output = wrk.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = wrk.StandardError.ReadToEndAsync(cancellationToken);
        await wrk.WaitForExitAsync(cancellationToken);
        var text = await output;
        var summary = Summary().Match(text);
        if (wrk.ExitCode != 0 || !summary.Success)
        {
            throw new InvalidOperationException($"wrk failed ({wrk.ExitCode}): {text} {await errors}");
        }

        var latency = Latency().Match(text);
        return new WrkResult(
            startedAt,
            long.Parse(summary.Groups["accepted"].Value, CultureInfo.InvariantCulture),
            long.Parse(summary.Groups["other"].Value, CultureInfo.InvariantCulture),
            double.Parse(summary.Groups["rate"].Value, CultureInfo.InvariantCulture),
            latency.Success ? $"p50 {latency.Groups["p50"].Value} ms, p99 {latency.Groups["p99"].Value} ms" : "n/a");
    }

    [GeneratedRegex(@"accepted \(202\): (?<accepted>\d+), other: (?<other>\d+), accepted/s: (?<rate>[\d.]+)")]
    private static partial Regex Summary();

    [GeneratedRegex(@"latency ms: p50 (?<p50>[\d.]+)\s+p99 (?<p99>[\d.]+)")]
    private static partial Regex Latency();
}

/// <param name="StartedAt">Wall-clock time wrk was started: the first receipt is no earlier.</param>
internal sealed record WrkResult(DateTimeOffset StartedAt, long Accepted, long Other, double AcceptedPerSecond, string Latency);
