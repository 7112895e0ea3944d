// Benchmarks rate-limit decisions through the gate: starts redis-server (no persistence) and the
// gate (the Release build given by --gate) on free loopback ports, then measures capacity (closed
// loop) and latency at a constant rate, through the HTTP API and through GateClient. Run it with
// bench/gate.sh, which builds everything in Release first.
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Integrations.Bench.Kit;
using Integrations.Gate.Bench;
using Integrations.Gate.Client;

var settings = BenchSettings.Parse(args);
var warmUp = TimeSpan.FromSeconds(2);
var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
var invariant = CultureInfo.InvariantCulture;

var redisPort = Loopback.FreePort();
using var redis = ChildProcess.Start("redis-server",
    ["--port", redisPort.ToString(invariant), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
await WaitUntilAsync(async () =>
{
    using var tcp = new TcpClient();
    await tcp.ConnectAsync("127.0.0.1", redisPort);
});

var baseAddress = new Uri($"http://127.0.0.1:{Loopback.FreePort()}/");
// The content root is the build output, so the gate reads its appsettings.json as it does when Aspire starts it.
var gateDirectory = Path.GetDirectoryName(Path.GetFullPath(settings.GateAssembly))!;
using var gate = ChildProcess.Start("dotnet", [settings.GateAssembly, "--contentRoot", gateDirectory], new Dictionary<string, string>
{
    ["ConnectionStrings__cache"] = $"127.0.0.1:{redisPort}",
    ["Gate__ApiKey"] = apiKey,
    ["ASPNETCORE_URLS"] = baseAddress.ToString(),
    ["Logging__LogLevel__Default"] = "Warning",
    // A budget that never runs out, so every decision runs the whole script and is allowed.
    ["Gate__Budgets__bench__Limit"] = "1000000000",
    ["Gate__Budgets__bench__Burst"] = "1000000000",
});
using var probe = new HttpClient { BaseAddress = baseAddress };
// /health, not /alive: it also reports the Redis connection, so no decision is refused while it opens.
await WaitUntilAsync(async () => (await probe.GetAsync("health")).EnsureSuccessStatusCode());

// Decisions spread over 1,000 budgets, as many connections of many workers would.
var single = Enumerable.Range(0, 1000)
    .Select(i => JsonSerializer.SerializeToUtf8Bytes(new RateLimitRequest("bench", $"connection-{i}")))
    .ToArray();
var batch = JsonSerializer.SerializeToUtf8Bytes(Enumerable.Range(0, settings.Batch)
    .Select(i => new RateLimitRequest("bench", $"connection-{i}")).ToArray());
var requests = Enumerable.Range(0, settings.Batch).Select(i => new RateLimitRequest("bench", $"connection-{i}")).ToArray();

using var rawHttp = NewHttpClient(baseAddress, apiKey);
using var clientHttp = NewHttpClient(baseAddress, apiKey);
var client = new GateClient(clientHttp);
var next = 0;

Task SendRaw() => PostAsync(rawHttp, "api/ratelimits/decisions", single[(Interlocked.Increment(ref next) & int.MaxValue) % single.Length]);
Task SendRawBatch() => PostAsync(rawHttp, "api/ratelimits/decisions/batch", batch);
Task SendClient() => client.DecideAsync(new RateLimitRequest("bench", $"connection-{(Interlocked.Increment(ref next) & int.MaxValue) % 1000}"));
Task SendClientBatch() => client.DecideManyAsync(requests);

var batchConcurrency = Math.Max(1, settings.Concurrency / 4);

// Lets the gate's tiered JIT (with dynamic PGO) and GC settle before anything is measured
// (docs/benchmarks.md, "Audit", has how long that takes in the audit service).
await LoadPatterns.ClosedLoopAsync(SendRaw, settings.Concurrency, TimeSpan.Zero, settings.WarmUp / 2, 1);
await LoadPatterns.ClosedLoopAsync(SendClient, settings.Concurrency, TimeSpan.Zero, settings.WarmUp / 2, 1);
var results = new List<(string Scenario, ScenarioResult Result)>
{
    ($"HTTP API, 1 decision/request, closed loop, {settings.Concurrency} concurrent",
        await LoadPatterns.ClosedLoopAsync(SendRaw, settings.Concurrency, warmUp, settings.Duration, 1)),
    ($"HTTP API, {settings.Batch} decisions/request, closed loop, {batchConcurrency} concurrent",
        await LoadPatterns.ClosedLoopAsync(SendRawBatch, batchConcurrency, warmUp, settings.Duration, settings.Batch)),
    ($"GateClient.DecideAsync, closed loop, {settings.Concurrency} concurrent",
        await LoadPatterns.ClosedLoopAsync(SendClient, settings.Concurrency, warmUp, settings.Duration, 1)),
    ($"GateClient.DecideManyAsync({settings.Batch}), closed loop, {batchConcurrency} concurrent",
        await LoadPatterns.ClosedLoopAsync(SendClientBatch, batchConcurrency, warmUp, settings.Duration, settings.Batch)),
    ($"HTTP API, constant {settings.Rate}/s",
        await LoadPatterns.ConstantRateAsync(SendRaw, settings.Rate, warmUp, settings.Duration)),
    ($"GateClient.DecideAsync, constant {settings.Rate}/s",
        await LoadPatterns.ConstantRateAsync(SendClient, settings.Rate, warmUp, settings.Duration)),
};

Console.WriteLine();
Console.WriteLine($"Gate benchmark: {Environment.ProcessorCount} cores, {settings.Duration.TotalSeconds:0} s per scenario after {warmUp.TotalSeconds:0} s warm-up, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine();
Console.WriteLine("| scenario | decisions/s | p50 ms (per request) | p99 ms (per request) | max ms | failed requests |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var (scenario, result) in results)
{
    Console.WriteLine(string.Create(invariant,
        $"| {scenario} | {result.DecisionsPerSecond:N0} | {result.Latency.P50:0.00} | {result.Latency.P99:0.00} | {result.Latency.Max:0.0} | {result.Failures} |"));
}

static HttpClient NewHttpClient(Uri baseAddress, string apiKey)
{
    var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = baseAddress };
    http.DefaultRequestHeaders.Add(Microsoft.Extensions.DependencyInjection.ApiKey.HeaderName, apiKey);
    return http;
}

static async Task PostAsync(HttpClient http, string path, byte[] body)
{
    using var content = new ByteArrayContent(body);
    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    using var response = await http.PostAsync(path, content);
    if (!response.IsSuccessStatusCode)
    {
        throw new HttpRequestException(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()), null, response.StatusCode);
    }
}

static async Task WaitUntilAsync(Func<Task> probe)
{
    var deadline = DateTime.UtcNow.AddSeconds(60);
    while (true)
    {
        try
        {
            await probe();
            return;
        }
        catch (Exception) when (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }
}
