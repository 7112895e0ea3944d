// Benchmarks the whole stack started through the real AppHost (sandbox mode, local Redis and
// PostgreSQL): end-to-end latency from the receiver's 202 to the audit row for signed GitHub push
// deliveries at a constant arrival rate, the idle RSS of every resource, and (--soak) RSS growth
// under a steady load. Run it with bench/stack.sh, which builds everything in Release first.
using System.Globalization;
using System.Security.Cryptography;
using System.Runtime.Versioning;
using Integrations.Stack.Bench;

// Memory is read from /proc, and PostgreSQL's data directory needs Unix permissions.
[assembly: SupportedOSPlatform("linux")]

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"{ex.Message}\n{BenchSettings.Usage}");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()} (this benchmark, the stack and DCP share them)");
Console.WriteLine(settings.Soak is { } soakFor
    ? $"Soak: {settings.SoakRate:N0} push deliveries/s for {soakFor.TotalMinutes:F0} min, RSS sampled every {BenchSettings.SampleInterval.TotalSeconds:F0} s"
    : $"Latency run: {settings.Rate:N0} push deliveries/s for {settings.Duration.TotalSeconds:F0} s");
Console.WriteLine("Starting the stack through the AppHost ...");
var startedAt = DateTime.UtcNow;
// A Slack budget ten times the arrival rate: the gate still decides every message, and never says wait.
await using var stack = await BenchStack.StartAsync(settings.LoadRate * 10, stop.Token);
Console.WriteLine($"Every resource healthy after {(DateTime.UtcNow - startedAt).TotalSeconds:F0} s (data: {stack.DataDirectory}, deleted at the end).");
Console.WriteLine("Overridden for the benchmark only:");
foreach (var line in stack.Overrides)
{
    Console.WriteLine($"  {line}");
}

Console.WriteLine($"Deliveries go to {stack.Endpoint("receiver")}webhooks/github (the receiver's endpoint as the AppHost exposes it, through DCP's proxy).");
Console.WriteLine();
Console.WriteLine($"== Idle RSS: {settings.Idle.TotalSeconds:F0} s after every resource was healthy, with no load");
await Task.Delay(settings.Idle, stop.Token);
var idle = stack.MeasureMemory();
MemoryTable.PrintDetailed(idle);

using var load = new PushLoad(stack.Endpoint("receiver"), stack.GitHubWebhookSecret);
var audit = new AuditRows(await stack.ConnectionStringAsync("auditdb"));
var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

var warmUpRate = Math.Min(50, settings.LoadRate);
Console.WriteLine();
Console.WriteLine($"== Warm-up: {warmUpRate}/s for 5 s (JIT, connection pools), not counted");
var warmUp = await load.RunAsync($"{run}-warm", warmUpRate, TimeSpan.FromSeconds(5), stop.Token);
await audit.WaitForAsync(warmUp.Run, warmUp.Accepted, TimeSpan.FromSeconds(60), stop.Token);

Console.WriteLine();
Console.WriteLine($"== Load: {settings.LoadRate:N0} signed push deliveries/s for {settings.LoadDuration.TotalSeconds:F0} s (open model)");
var samples = new List<(TimeSpan At, IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> Sample)> { (TimeSpan.Zero, idle) };
using var loadDone = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
var sampler = settings.Soak is null ? Task.CompletedTask : SampleAsync(loadDone.Token);
var measured = await load.RunAsync($"{run}-load", settings.LoadRate, settings.LoadDuration, stop.Token);
await loadDone.CancelAsync();
await sampler;
var afterLoad = stack.MeasureMemory();
samples.Add((measured.SendingTime, afterLoad));
Console.WriteLine($"  Sent; waiting up to {settings.DrainTimeout.TotalSeconds:F0} s for the audit rows of {measured.Accepted:N0} acknowledged deliveries ...");
await audit.WaitForAsync(measured.Run, measured.Accepted, settings.DrainTimeout, stop.Token);
var (rows, duplicated) = await audit.ReadAsync(measured.Run, stop.Token);
var (started, _) = await audit.ReadAsync(measured.Run, "started", stop.Token);

Console.WriteLine();
Console.WriteLine("== End to end: the receiver's 202 -> worker -> gate -> Slack (sandbox) -> audit row 'succeeded'");
var complete = EndToEndReport.Print(measured, rows, duplicated);
EndToEndReport.PrintStages(measured, started, rows);

Console.WriteLine();
if (settings.Soak is null)
{
    Console.WriteLine("== RSS (process trees, MiB) at the end of the load, for comparison with idle");
    MemoryTable.Print(idle, ("end of load", afterLoad), ("growth", MemoryTable.Growth(idle, afterLoad)));
}
else
{
    Console.WriteLine("== Soak RSS (process trees, MiB): start (idle, before the load), end of the load, growth;");
    Console.WriteLine("   'growth from 30 s' starts at the first sample under load, so it leaves out the warm-up");
    var first = samples.Count > 2 ? samples[1].Sample : idle;
    MemoryTable.Print(idle, ("end", afterLoad), ("growth", MemoryTable.Growth(idle, afterLoad)), ("growth from 30 s", MemoryTable.Growth(first, afterLoad)));
    Console.WriteLine("  Total RSS over time: " + string.Join("  ", samples.Select(s => $"{s.At.TotalMinutes:F1} min {MemoryTable.TotalMebibytes(s.Sample):F0} MiB")));
}

Console.WriteLine();
return complete ? 0 : 1;

async Task SampleAsync(CancellationToken cancellationToken)
{
    var started = DateTime.UtcNow;
    using var timer = new PeriodicTimer(BenchSettings.SampleInterval);
    try
    {
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var sample = stack.MeasureMemory();
            samples.Add((DateTime.UtcNow - started, sample));
            Console.WriteLine($"  {(DateTime.UtcNow - started).TotalMinutes:F1} min: total RSS {MemoryTable.TotalMebibytes(sample):F0} MiB");
        }
    }
    catch (OperationCanceledException)
    {
    }
}
