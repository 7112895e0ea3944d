using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.AppHost.Tests;

/// <summary>
/// Stops PostgreSQL under a running audit service, in a stack of its own: writers get 503 problem
/// details while it is down, and once it is back writes succeed and every acknowledged row is there.
/// </summary>
public sealed class AuditOutageTests : IDisposable
{
    private readonly ThrowawayStack _stack = new("audit-outage");

    [Fact]
    public async Task WhilePostgresIsDownWritesGet503AndNoAcknowledgedRowIsLost()
    {
        using var cts = new CancellationTokenSource(StackFixture.StartTimeout);
        await using var app = await _stack.StartAsync([$"Parameters:audit-api-key={StackFixture.AuditApiKey}", $"Parameters:audit-chain-key={StackFixture.AuditChainKey}"], configure: null, "audit");
        using var http = StackFixture.CreateAuditClient(app);
        var actor = $"tests-{Guid.NewGuid():N}";

        // A steady writer that remembers what was acknowledged, and counts refusals.
        var acknowledged = new ConcurrentBag<string>();
        var refused = 0;
        var unexpected = new ConcurrentBag<HttpStatusCode>();
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stopWriting.IsCancellationRequested; i++)
            {
                var key = $"{actor}:{i}";
                using var response = await http.PostAsJsonAsync("/api/audit", AuditStoreTests.Entry(actor, "slack", "succeeded", key));
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Created: acknowledged.Add(key); break;
                    case HttpStatusCode.ServiceUnavailable: Interlocked.Increment(ref refused); break;
                    default: unexpected.Add(response.StatusCode); break;
                }

                await Task.Delay(20);
            }
        });

        await StackFixture.EventuallyAsync(async () => { await Task.Yield(); return acknowledged.Count >= 10 ? "" : null; }, "writes before the outage");
        var stopped = await app.ResourceCommands.ExecuteCommandAsync("pg", KnownResourceCommands.StopCommand, cts.Token);
        Assert.True(stopped.Success, stopped.Message);

        using var unavailable = await StackFixture.EventuallyAsync(async () =>
        {
            var response = await http.PostAsJsonAsync("/api/audit", AuditStoreTests.Entry(actor, "slack", "failed", $"{actor}:probe"));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return response;
            }

            response.Dispose();
            return null;
        }, "the audit service to answer 503");
        Assert.Equal("application/problem+json", unavailable.Content.Headers.ContentType?.MediaType);
        var problem = await unavailable.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The audit store is unavailable.", problem.GetProperty("title").GetString());
        using (var read = await http.GetAsync("/api/audit/verify"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        }

        // The typed client, with the standard resilience handler every service has, keeps retrying the 503s.
        // Its default three retries span about 14 s; on a busy machine (CI runs the test assemblies side by
        // side) PostgreSQL's restart took longer once, so here it retries every second for up to a minute.
        var services = new ServiceCollection();
        var client = services.AddHttpClient<AuditClient>(client => client.BaseAddress = app.GetEndpoint("audit", "http"));
        client.AddStandardResilienceHandler(options =>
        {
            options.Retry.MaxRetryAttempts = 60;
            options.Retry.BackoffType = Polly.DelayBackoffType.Constant;
            options.Retry.Delay = TimeSpan.FromSeconds(1);
            options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(90);
        });
        client.AddApiKey(_ => StackFixture.AuditApiKey);
        await using var provider = services.BuildServiceProvider();
        var retried = provider.GetRequiredService<AuditClient>()
            .WriteAsync(new AuditEntry(actor, "slack", "SendMessage", "#audit", $"{actor}:retried", AuditStatus.Succeeded));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(retried.IsCompleted);

        var started = await app.ResourceCommands.ExecuteCommandAsync("pg", KnownResourceCommands.StartCommand, cts.Token);
        Assert.True(started.Success, started.Message);
        var record = await retried.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal($"{actor}:retried", record.IdempotencyKey);

        var before = acknowledged.Count;
        await StackFixture.EventuallyAsync(async () => { await Task.Yield(); return acknowledged.Count > before + 5 ? "" : null; }, "writes after the restart");
        await stopWriting.CancelAsync();
        await writer;

        Assert.Empty(unexpected);
        Assert.True(refused > 0, "No write was refused while PostgreSQL was down.");
        await using var db = new NpgsqlConnection(await app.GetConnectionStringAsync("auditdb"));
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT idempotency_key FROM audit_events WHERE actor = $1", db) { Parameters = { new() { Value = actor } } };
        var stored = new HashSet<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        Assert.DoesNotContain(acknowledged, key => !stored.Contains(key));
        Assert.Contains($"{actor}:retried", stored);
        var verification = await http.GetFromJsonAsync<AuditVerification>("/api/audit/verify");
        Assert.True(verification!.Ok, verification.Reason);
    }

    public void Dispose() => _stack.Dispose();
}
