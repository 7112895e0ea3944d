namespace Integrations.Resilience.Tests;

/// <summary>
/// Issue 8, part 1: signed deliveries for all four flows at a constant rate, into two receivers and
/// two workers, while processes are SIGKILLed and Redis and PostgreSQL restart. Afterwards every
/// acknowledged delivery is processed, every effect exists exactly once at the sandbox, and the
/// audit chain verifies.
/// </summary>
public sealed class FaultsUnderLoadTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Two replicas each of the receiver and the worker, as issue 8 asks.</summary>
    private static readonly Dictionary<string, int> s_replicas = new() { ["receiver"] = 2, ["worker"] = 2 };
    private static readonly string[] s_engineeringRows = ["T-1001", "T-1004", "T-1005", "T-1007", "T-1008"];
    private readonly ThrowawayStack _stack = new("chaos");

    [Fact]
    public async Task NothingAcknowledgedIsLostAndNoEffectRepeatsWhileProcessesDieAndStoresRestart()
    {
        await using var app = await _stack.StartAsync(StackFixture.Arguments, Configure);
        var faults = new FaultInjector(app, output, s_replicas);
        using (var starting = new CancellationTokenSource(StackFixture.StartTimeout))
        {
            await faults.WaitForEveryReplicaAsync(starting.Token);
        }

        using var sandbox = new HttpClient { BaseAddress = app.GetEndpoint("sandbox", "http"), Timeout = StackFixture.StepTimeout };
        // The sandbox enforces GitHub's hourly window; release notes at this rate would spend it in minutes.
        (await sandbox.PutAsync("/_sandbox/github/rate-limit?limit=1000000", null)).EnsureSuccessStatusCode();
        var connection = await ConnectGoogleAsync(app);

        var load = new DeliveryLoad(app.GetEndpoint("receiver", "http"), connection);
        using var stopFaults = new CancellationTokenSource();
        using var abortLoad = new CancellationTokenSource();
        var chaos = faults.RunAsync(ResilienceScale.FaultInterval, stopFaults.Token);
        var started = TimeProvider.System.GetTimestamp();
        // Slow recoveries on a busy machine must not leave a planned fault out: the load lasts until a whole cycle has run.
        var loading = load.RunAsync(ResilienceScale.ChaosRate, ResilienceScale.ChaosDuration, () => faults.Log.Count < FaultInjector.Cycle.Count, abortLoad.Token);
        if (await Task.WhenAny(loading, chaos) == chaos)
        {
            // The faults only end early when one could not be injected or recovered from: stop at once.
            await abortLoad.CancelAsync();
            await chaos;
        }

        await loading;
        var loadTime = TimeProvider.System.GetElapsedTime(started);
        await stopFaults.CancelAsync();
        await chaos;

        var drained = await DrainAsync(app, ResilienceScale.IsFull ? TimeSpan.FromMinutes(15) : TimeSpan.FromMinutes(5));
        var stored = await StoredStatesAsync(app);
        var sent = load.Sent;
        var acknowledged = sent.Where(d => d.Acknowledged).ToList();
        var lost = acknowledged.Where(d => !stored.ContainsKey(d.Key)).ToList();
        var unprocessed = acknowledged.Where(d => stored.TryGetValue(d.Key, out var state) && state != "done").ToList();
        var refused = sent.Where(d => d.Outcome == DeliveryOutcome.Refused).ToList();

        var effects = (await sandbox.GetFromJsonAsync<List<JsonElement>>("/_sandbox/effects"))!;
        var effectCounts = effects
            .Select(e => e.GetProperty("idempotencyKey").GetString())
            .Where(k => k is not null)
            .GroupBy(k => k!)
            .ToDictionary(g => g.Key, g => g.Count());
        var duplicated = effectCounts.Where(e => e.Value > 1).ToList();
        var expected = acknowledged.SelectMany(d => d.EffectKeys)
            .Concat(acknowledged.Any(d => d.Provider == "support") ? s_engineeringRows.Select(row => $"google:{DeliveryLoad.SupportFile}.{row}:create_ticket") : [])
            .ToList();
        var missing = expected.Where(k => !effectCounts.ContainsKey(k)).ToList();

        using var audit = StackFixture.CreateAuditClient(app);
        audit.Timeout = TimeSpan.FromMinutes(2);
        var verification = await audit.GetFromJsonAsync<JsonElement>("/api/audit/verify");

        new Figures("faults", "Faults under load")
            .Line($"{ResilienceScale.ChaosRate:N0} signed deliveries a minute for {loadTime.TotalMinutes:F1} minutes (GitHub push and release, Stripe checkout, help-desk triage), "
                + "into 2 receiver and 2 worker replicas, with a pause of "
                + $"{ResilienceScale.FaultInterval.TotalSeconds:F0} s after each fault has recovered: {string.Join(", ", faults.Log.GroupBy(f => f.Fault).Select(g => $"{g.Key} ×{g.Count()}"))}.")
            .Line($"Kills whose exit the orchestrator missed (the instance was then stopped through Aspire before its restart): {faults.MissedExits}.")
            .Line($"Drained {(drained ? "fully" : "NOT fully")} within the limit; audit chain: {verification.GetRawText()}.")
            .Line("")
            .Table(["figure", "count"],
            [
                ["deliveries sent", sent.Count],
                ["send attempts (retried while a receiver or PostgreSQL was down)", $"{load.Attempts:N0} ({load.RefusedWhileDown:N0} retried)"],
                ["acknowledged (202, or 200 duplicate after a lost answer)", acknowledged.Count],
                ["repeats of acknowledged deliveries / answered duplicate", $"{load.DuplicatesSent} / {load.DuplicatesAnswered}"],
                ["refused with 4xx", refused.Count],
                ["never acknowledged (sender gave up)", sent.Count(d => d.Outcome == DeliveryOutcome.GaveUp)],
                ["processed (done)", acknowledged.Count - lost.Count - unprocessed.Count],
                ["not processed (dead or still pending)", unprocessed.Count],
                ["lost (acknowledged, not stored)", lost.Count],
                ["effects at the sandbox (with a key)", effectCounts.Values.Sum()],
                ["effects expected and missing", missing.Count],
                ["duplicated effects", duplicated.Sum(d => d.Value - 1)],
            ])
            .Table(["at", "fault", "back in"], faults.Log.Select(f => new object[] { $"{f.At:mm\\:ss}", f.Fault, $"{f.Recovery.TotalSeconds:F1} s" }))
            .Write(output);

        Assert.True(faults.Log.Count >= FaultInjector.Cycle.Count, $"only {faults.Log.Count} faults were injected");
        Assert.True(sent.Count >= ResilienceScale.ChaosRate * ResilienceScale.ChaosDuration.TotalMinutes * 0.99, $"only {sent.Count} deliveries were sent");
        Assert.Empty(refused.Select(d => $"{d.Key}: {d.Refusal}"));
        Assert.Equal(sent.Count, acknowledged.Count);
        Assert.Empty(lost.Select(d => d.Key));
        Assert.Empty(unprocessed.Select(d => $"{d.Key}: {stored[d.Key]}"));
        Assert.Empty(duplicated.Select(d => $"{d.Key} ×{d.Value}"));
        Assert.Empty(missing);
        Assert.True(verification.GetProperty("ok").GetBoolean(), verification.GetRawText());
    }

    private static void Configure(IDistributedApplicationTestingBuilder builder)
    {
        StackFixture.Configure(builder, brokerReplica: false);
        builder.CreateResourceBuilder<ProjectResource>("receiver").WithReplicas(s_replicas["receiver"]);
        // Short leases, so a delivery or effect whose worker was killed is reclaimed within the run.
        builder.CreateResourceBuilder<ProjectResource>("worker").WithReplicas(s_replicas["worker"])
            .WithEnvironment("Queue__Lease", "00:00:15")
            .WithEnvironment("Queue__EffectLease", "00:00:10")
            // Retries at most 15 s apart, so the run drains soon after the load ends, and 20 of them: a
            // retry horizon of about 2 minutes on average, as the defaults give (8 attempts, up to 5 minutes
            // apart). Fewer would dead-letter deliveries while a killed service is still coming back, which
            // on a loaded 2-core machine has taken up to a minute (FaultInjector waits up to 105 s).
            .WithEnvironment("Queue__MaxRetryDelay", "00:00:15")
            .WithEnvironment("Queue__MaxAttempts", "20")
            // Queued triage runs may use only allow-listed connections and repositories: add this test's.
            .WithEnvironment("Triage__AllowedConnections__1", "chaos@example.com")
            .WithEnvironment("Triage__AllowedRepositories__1", DeliveryLoad.SupportRepository);
        // Slack's real budget is about one message per second per channel; this load posts ~12 a second into three channels.
        builder.CreateResourceBuilder<ProjectResource>("gate")
            .WithEnvironment("Gate__Budgets__slack__Limit", "200")
            .WithEnvironment("Gate__Budgets__slack__Period", "00:00:01")
            .WithEnvironment("Gate__Budgets__slack__Burst", "200")
            .WithEnvironment("Gate__Budgets__github__Limit", "1000000")
            .WithEnvironment("Gate__Budgets__github__Burst", "1000");
    }

    /// <summary>Authorises a Google connection with the read-only Drive scope, as a browser would: the triage flow reads the sheet with it.</summary>
    private static async Task<Guid> ConnectGoogleAsync(DistributedApplication app)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = StackFixture.StepTimeout };
        var broker = app.GetEndpoint("broker", "http");
        var location = await SecretLeakTests.StartAuthorizationAsync(broker, "google", "chaos@example.com", "https://www.googleapis.com/auth/drive.readonly");
        using (var redirect = await browser.GetAsync(location))
        {
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            location = redirect.Headers.Location!;
        }

        using var callback = await browser.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        return (await callback.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Waits until no stored delivery is waiting or being processed; false when <paramref name="limit"/> passes first.</summary>
    private async Task<bool> DrainAsync(DistributedApplication app, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var pending = (await StoredStatesAsync(app)).Values.Count(s => s is not ("done" or "dead"));
            if (pending == 0)
            {
                return true;
            }

            if (DateTime.UtcNow > until)
            {
                output.WriteLine($"{pending} deliveries still pending after {limit}");
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private static async Task<Dictionary<string, string>> StoredStatesAsync(DistributedApplication app)
    {
        await using var connection = new Npgsql.NpgsqlConnection(await app.GetConnectionStringAsync("integrationsdb"));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT provider, delivery_id, state, attempts, last_error FROM deliveries", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var states = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            var state = reader.GetString(2);
            // A delivery that did not finish says why: its attempts and last error.
            states[$"{reader.GetString(0)}:{reader.GetString(1)}"] = state == "done" || reader.IsDBNull(4)
                ? state
                : $"{state} after {reader.GetInt32(3)} attempts ({reader.GetString(4)})";
        }

        return states;
    }

    public void Dispose() => _stack.Dispose();
}
