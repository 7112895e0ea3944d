// Benchmarks the audit store over HTTP against a running audit service (bench/audit.sh starts
// PostgreSQL, the migrator and the service in Release, then runs this):
//   1. batched writes: N concurrent writers, each POSTing batches to api/audit/batch, closed loop;
//   2. single writes: N concurrent writers POSTing one row each to api/audit (the service groups them);
//   3. export: fills the table up to --export-rows through the batch endpoint, then streams
//      GET api/audit/export and counts NDJSON lines as they arrive (three runs);
//   4. verify: GET api/audit/verify over the whole table.
// --export false stops after the two write scenarios (e.g. while a profiler samples the service).
// Every write counted was acknowledged with 201, i.e. committed.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Integrations.Bench.Kit;

var options = args.Chunk(2).ToDictionary(pair => pair[0].TrimStart('-'), pair => pair[1]);
string Option(string name, string fallback) => options.GetValueOrDefault(name, fallback);
var invariant = CultureInfo.InvariantCulture;
var url = new Uri(Option("url", "http://127.0.0.1:55090/"));
var apiKey = Option("key", "");
var duration = TimeSpan.FromSeconds(int.Parse(Option("duration", "10"), invariant));
var writers = int.Parse(Option("writers", "8"), invariant);
var batchSize = int.Parse(Option("batch", "1000"), invariant);
var singleWriters = int.Parse(Option("single-writers", "64"), invariant);
var exportRows = long.Parse(Option("export-rows", "500000"), invariant);
var withDetails = bool.Parse(Option("details", "true"));
var withExport = bool.Parse(Option("export", "true"));
// The service needs seconds of load before tiered compilation and dynamic PGO settle (docs/benchmarks.md, "Audit").
var warmup = TimeSpan.FromSeconds(int.Parse(Option("warmup", "15"), invariant));

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);

byte[] Batch(int size, string actor) => JsonSerializer.SerializeToUtf8Bytes(Enumerable.Range(0, size).Select(i => new
{
    actor,
    provider = i % 3 == 0 ? "github" : "slack",
    action = "SendMessage",
    target = "#bench",
    idempotencyKey = $"bench:{Guid.NewGuid():N}:send_message",
    status = "succeeded",
    scope = "chat:write",
    details = withDetails ? new { channel = "#bench", attempt = 1, access_token = "xoxb-redacted-by-the-service" } : null,
}));

var batchBody = Batch(batchSize, "bench-batch");
var singleBody = JsonSerializer.SerializeToUtf8Bytes(JsonSerializer.Deserialize<JsonElement[]>(Batch(1, "bench-single"))![0]);

async Task<long> PostAsync(string path, byte[] body, int rows)
{
    using var content = new ByteArrayContent(body);
    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    using var response = await http.PostAsync(path, content);
    if (response.StatusCode != HttpStatusCode.Created)
    {
        throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    return rows;
}

void Report(string scenario, long rows, TimeSpan elapsed) =>
    Console.WriteLine($"| {scenario} | {rows:N0} | {elapsed.TotalSeconds:F1} | {rows / elapsed.TotalSeconds:N0} |");

// Warm-up: JIT and dynamic PGO, connection pools, the service's writer.
await ClosedLoop.RunAsync(writers, warmup * 0.7, () => PostAsync("api/audit/batch", batchBody, batchSize));
await ClosedLoop.RunAsync(singleWriters, warmup * 0.3, () => PostAsync("api/audit", singleBody, 1));

Console.WriteLine("| scenario | rows | seconds | rows/s |");
Console.WriteLine("|---|---:|---:|---:|");
var batched = await ClosedLoop.RunAsync(writers, duration, () => PostAsync("api/audit/batch", batchBody, batchSize));
Report($"write, POST api/audit/batch ({batchSize} rows/request), {writers} concurrent writers", batched.Units, batched.Elapsed);
var single = await ClosedLoop.RunAsync(singleWriters, duration, () => PostAsync("api/audit", singleBody, 1));
Report($"write, POST api/audit (1 row/request), {singleWriters} concurrent writers", single.Units, single.Elapsed);
if (!withExport)
{
    return;
}

// Fill up to the export size through the API, so the chain is the real one.
var verification = await http.GetFromJsonAsync<JsonElement>("api/audit/verify");
var existing = verification.GetProperty("checked").GetInt64();
var fillBody = Batch(1000, "bench-fill");
var missing = Math.Max(0, exportRows - existing);
var batches = (int)((missing + 999) / 1000);
var fillNext = 0;
await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
{
    while (Interlocked.Increment(ref fillNext) <= batches)
    {
        await PostAsync("api/audit/batch", fillBody, 1000);
    }
}));

for (var run = 1; run <= 3; run++)
{
    var stopwatch = Stopwatch.StartNew();
    using var response = await http.GetAsync("api/audit/export", HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    await using var stream = await response.Content.ReadAsStreamAsync();
    var buffer = new byte[256 * 1024];
    long lines = 0, bytes = 0;
    int read;
    while ((read = await stream.ReadAsync(buffer)) > 0)
    {
        bytes += read;
        lines += buffer.AsSpan(0, read).Count((byte)'\n');
    }

    Report($"export, GET api/audit/export, run {run} ({bytes / 1024.0 / 1024.0:F0} MB NDJSON)", lines, stopwatch.Elapsed);
}

var verifyWatch = Stopwatch.StartNew();
verification = await http.GetFromJsonAsync<JsonElement>("api/audit/verify");
Report($"verify, GET api/audit/verify (ok: {verification.GetProperty("ok").GetBoolean()})", verification.GetProperty("checked").GetInt64(), verifyWatch.Elapsed);
