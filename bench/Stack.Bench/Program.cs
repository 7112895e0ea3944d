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
await using var stack = await BenchStack.StartAsync(settings.LoadRate * 10, settings.Statements ? StatementProfile.ServerSettings : null, stop.Token);
Console.WriteLine($"Every resource healthy after {(DateTime.UtcNow - startedAt).TotalSeconds:F0} s (data: {stack.DataDirectory}, deleted at the end).");
Console.WriteLine("Overridden for the benchmark only:");
foreach (var line in stack.Overrides)
{
    Console.WriteLine($"  {line}");
}

Console.WriteLine($"Deliveries go to {stack.Endpoint("receiver")}webhooks/github (the receiver's own endpoint as the AppHost exposes it, no proxy in front).");
Console.WriteLine();
Console.WriteLine($"== Idle RSS: {settings.Idle.TotalSeconds:F0} s after every resource was healthy, with no load");
var idleCpuBefore = stack.CpuSnapshot();
var idleWatch = System.Diagnostics.Stopwatch.StartNew();
await Task.Delay(settings.Idle, stop.Token);
var idleCpu = CpuUsage.Difference(idleCpuBefore, stack.CpuSnapshot());
var idleElapsed = idleWatch.Elapsed;
var idle = stack.MeasureMemory();
MemoryTable.PrintDetailed(idle);
Console.WriteLine();
Console.WriteLine($"== Idle CPU over the same {idleElapsed.TotalSeconds:F1} s, no load (the first seconds after a start include JIT compilation)");
CpuUsage.PrintShares(idleCpu, idleElapsed);

using var load = new PushLoad(stack.Endpoint("receiver"), stack.GitHubWebhookSecret);
var audit = new AuditRows(await stack.ConnectionStringAsync("auditdb"));
var integrationsDb = await stack.ConnectionStringAsync("integrationsdb");
var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

var warmUpRate = Math.Min(settings.WarmUpRate, settings.LoadRate);
var warmUpFor = settings.WarmUp ?? TimeSpan.FromSeconds(5);
Console.WriteLine();
Console.WriteLine($"== Warm-up: {warmUpRate}/s for {warmUpFor.TotalSeconds:F0} s (JIT, connection pools), not counted");
var warmUp = await load.RunAsync($"{run}-warm", warmUpRate, warmUpFor, stop.Token);
await audit.WaitForAsync(warmUp.Run, warmUp.Accepted, settings.DrainTimeout, stop.Token);

var throughputComplete = true;
if (settings.Soak is null && settings.Throughput)
{
    throughputComplete = await ThroughputAsync();
}

Console.WriteLine();
Console.WriteLine($"== Load: {settings.LoadRate:N0} signed push deliveries/s for {settings.LoadDuration.TotalSeconds:F0} s (open model)");
var samples = new List<(TimeSpan At, IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> Sample)> { (TimeSpan.Zero, idle) };
using var loadDone = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
var sampler = settings.Soak is null ? Task.CompletedTask : SampleAsync(loadDone.Token);
var loadStatements = settings.Statements ? new StatementProfile(integrationsDb) : null;
if (loadStatements is not null)
{
    await loadStatements.ResetAsync(stop.Token);
}

var loadCpuBefore = stack.CpuSnapshot();
var loadWatch = System.Diagnostics.Stopwatch.StartNew();
var measured = await load.RunAsync($"{run}-load", settings.LoadRate, settings.LoadDuration, stop.Token);
await loadDone.CancelAsync();
await sampler;
var afterLoad = stack.MeasureMemory();
samples.Add((measured.SendingTime, afterLoad));
Console.WriteLine($"  Sent; waiting up to {settings.DrainTimeout.TotalSeconds:F0} s for the audit rows of {measured.Accepted:N0} acknowledged deliveries ...");
await audit.WaitForAsync(measured.Run, measured.Accepted, settings.DrainTimeout, stop.Token);
// Sent at the rate and drained: where the CPU goes at a load the stack keeps up with (the bench's own
// share is the load generator's).
var loadCpu = CpuUsage.Difference(loadCpuBefore, stack.CpuSnapshot());
var loadElapsed = loadWatch.Elapsed;
var (rows, duplicated) = await audit.ReadAsync(measured.Run, stop.Token);
var (started, _) = await audit.ReadAsync(measured.Run, "started", stop.Token);

Console.WriteLine();
Console.WriteLine("== End to end: the receiver's 202 -> worker -> gate -> Slack (sandbox) -> audit row 'succeeded'");
var complete = EndToEndReport.Print(measured, rows, duplicated);
EndToEndReport.PrintStages(measured, started, rows);
Console.WriteLine();
Console.WriteLine("== CPU while the load was sent and drained (the bench + AppHost line is the load generator)");
CpuUsage.Print(loadCpu, rows.Count, loadElapsed);
if (loadStatements is not null)
{
    await loadStatements.PrintAsync(rows.Count, stop.Token);
}

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
return complete && throughputComplete ? 0 : 1;

// Signed pushes as fast as wrk -c32 sends them for 10 s into the stack's receiver; everything they
// start is drained, and the run's rate is its deliveries over first receipt to last completion.
// Then the same wrk against the Node peer (verify and log only), with the stack idle.
async Task<bool> ThroughputAsync()
{
    const int Connections = 32;
    var duration = TimeSpan.FromSeconds(10);
    Console.WriteLine();
    Console.WriteLine($"== Throughput: signed pushes as fast as wrk -t2 -c{Connections} sends them for {duration.TotalSeconds:F0} s, each through the whole stack");
    var wrkRun = $"{run}-wrk";
    var statements = settings.Statements ? new StatementProfile(await stack.ConnectionStringAsync("integrationsdb")) : null;
    if (statements is not null)
    {
        await statements.ResetAsync(stop.Token);
    }

    var cpuBefore = stack.CpuSnapshot();
    var ours = await Wrk.RunAsync(stack.Endpoint("receiver"), wrkRun, load.Body, load.Signature, Connections, duration, stop.Token);
    Console.WriteLine($"  receiver (in the stack): {ours.Accepted:N0} accepted in {duration.TotalSeconds:F0} s = {ours.AcceptedPerSecond:N0}/s, other answers {ours.Other:N0}, {ours.Latency}");
    var (_, storedNow) = await AuditRows.DeliveriesAsync(integrationsDb, wrkRun, stop.Token);
    await audit.WaitForAsync(wrkRun, (int)storedNow, settings.DrainTimeout, stop.Token);
    var cpuUsed = CpuUsage.Difference(cpuBefore, stack.CpuSnapshot());
    var (rows, duplicated) = await audit.ReadAsync(wrkRun, stop.Token);
    var (done, stored) = await AuditRows.DeliveriesAsync(integrationsDb, wrkRun, stop.Token);
    var last = rows.Count == 0 ? ours.StartedAt : rows.Values.Max();
    var elapsed = last - ours.StartedAt;
    Console.WriteLine($"  stored {stored:N0}, done {done:N0}, 'succeeded' audit rows (one per Slack message) {rows.Count:N0}, deliveries with more than one {duplicated:N0}");
    Console.WriteLine($"  whole run: {rows.Count:N0} deliveries from first receipt to last completion in {elapsed.TotalSeconds:F1} s = {rows.Count / elapsed.TotalSeconds:N0} deliveries/s");
    CpuUsage.Print(cpuUsed, rows.Count, elapsed);
    if (statements is not null)
    {
        await statements.PrintAsync(rows.Count, stop.Token);
    }

    using var peer = await NodePeer.StartAsync(stack.GitHubWebhookSecret, Path.Combine(stack.DataDirectory, "node-peer.log"), stop.Token);
    var theirs = await Wrk.RunAsync(peer.Endpoint, $"{run}-peer", load.Body, load.Signature, Connections, duration, stop.Token);
    Console.WriteLine($"  Node peer (verify + log only, nothing stored): {theirs.Accepted:N0} accepted = {theirs.AcceptedPerSecond:N0}/s, other answers {theirs.Other:N0}, {theirs.Latency}");
    Console.WriteLine($"  receiver / Node peer: {ours.AcceptedPerSecond / theirs.AcceptedPerSecond:F2}x");
    // wrk does not count answers still in flight when its time is up, so the stack may hold a few more than it counted.
    return stored >= ours.Accepted && rows.Count == stored && done == stored && duplicated == 0;
}

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
