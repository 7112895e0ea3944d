using StackExchange.Redis;

namespace Integrations.AppHost.Tests;

/// <summary>
/// Stopping and starting the stack keeps audit rows, queued deliveries and Redis data, because the
/// local servers keep their data (and their generated passwords) in the data directory.
/// </summary>
public sealed class PersistenceTests : IDisposable
{
    private readonly ThrowawayStack _stack = new("persistence");

    [Fact]
    public async Task DataSurvivesARestartOfTheStack()
    {
        var marker = Guid.NewGuid().ToString("N");

        await using (var first = await StartAsync())
        {
            using var audit = StackFixture.CreateAuditClient(first);
            using var written = await audit.PostAsJsonAsync("/api/audit", new
            {
                actor = "tests", provider = "slack", action = "SendMessage", target = "#persistence",
                idempotencyKey = $"tests:{marker}:send_message", status = "succeeded",
            });
            written.EnsureSuccessStatusCode();

            await using var db = new NpgsqlConnection(await first.GetConnectionStringAsync("integrationsdb"));
            await db.OpenAsync();
            // A queued delivery that no worker may take yet: it must still be queued after the restart.
            await using var queue = new NpgsqlCommand("""
                INSERT INTO deliveries (provider, delivery_id, event_type, headers, body, next_attempt_at)
                VALUES ('github', $1, 'push', '{}', '\x7b7d', now() + interval '1 day')
                """, db)
            {
                Parameters = { new() { Value = marker } },
            };
            await queue.ExecuteNonQueryAsync();

            await using var redis = await ConnectionMultiplexer.ConnectAsync((await first.GetConnectionStringAsync("cache"))!);
            await redis.GetDatabase().StringSetAsync($"persistence:{marker}", "kept");
        }

        await using var second = await StartAsync();

        var rows = await StackFixture.GetAuditRowsAsync<System.Text.Json.JsonElement>(second, $"?idempotencyKey=tests:{marker}:send_message");
        Assert.Single(rows);

        await using var dbAgain = new NpgsqlConnection(await second.GetConnectionStringAsync("integrationsdb"));
        await dbAgain.OpenAsync();
        await using var state = new NpgsqlCommand("SELECT state FROM deliveries WHERE delivery_id = $1", dbAgain)
        {
            Parameters = { new() { Value = marker } },
        };
        Assert.Equal("received", await state.ExecuteScalarAsync());

        await using var redisAgain = await ConnectionMultiplexer.ConnectAsync((await second.GetConnectionStringAsync("cache"))!);
        Assert.Equal("kept", (string?)await redisAgain.GetDatabase().StringGetAsync($"persistence:{marker}"));
    }

    private Task<DistributedApplication> StartAsync() => _stack.StartAsync(["Infra:Mode=local", $"Parameters:audit-api-key={StackFixture.AuditApiKey}", $"Parameters:audit-chain-key={StackFixture.AuditChainKey}"], configure: null, "audit", "cache");

    public void Dispose() => _stack.Dispose();
}
