using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Integrations.AppHost.Tests;

/// <summary>
/// The hash chain under concurrent appends from two replicas, and verification after rows are edited
/// or deleted behind the service's back by a superuser (who bypasses the append-only trigger).
/// Each tampering test restores the row byte for byte afterwards, so the tests do not depend on order.
/// </summary>
public sealed class AuditChainTests(AuditChainFixture stack) : IClassFixture<AuditChainFixture>
{
    [Fact]
    public async Task ConcurrentBatchesFromTwoReplicasFormOneUnbrokenChain()
    {
        var actor = $"tests-{Guid.NewGuid():N}";
        using var primary = StackFixture.CreateAuditClient(stack.App);
        using var replica = ReplicaClient();

        var writers = Enumerable.Range(0, 8).Select(async writer =>
        {
            var http = writer % 2 == 0 ? primary : replica;
            for (var batch = 0; batch < 10; batch++)
            {
                await AuditStoreTests.WriteBatchAsync(http, Enumerable.Range(0, 50)
                    .Select(i => AuditStoreTests.Entry(actor, "slack", "succeeded", $"{actor}:{writer}:{batch}:{i}")).ToList());
            }
        });
        await Task.WhenAll(writers);

        await using var db = await OpenDatabaseAsync();
        Assert.Equal(4000L, await Scalar(db, "SELECT count(DISTINCT idempotency_key) FROM audit_events WHERE actor = $1", actor));
        Assert.Equal(0L, await Scalar(db, "SELECT count(*) FROM (SELECT prev_hash FROM audit_events GROUP BY prev_hash HAVING count(*) > 1) forks"));
        foreach (var http in new[] { primary, replica })
        {
            var verification = await http.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.True(verification.GetProperty("ok").GetBoolean(), verification.GetRawText());
            Assert.True(verification.GetProperty("checked").GetInt64() >= 4000);
        }
    }

    [Fact]
    public async Task VerifyNamesAnEditedRowAsTheFirstBrokenLink()
    {
        using var http = StackFixture.CreateAuditClient(stack.App);
        var ids = await AuditStoreTests.WriteBatchAsync(http, Enumerable.Range(0, 5)
            .Select(i => AuditStoreTests.Entry($"tests-{Guid.NewGuid():N}", "github", "succeeded")).ToList());
        var edited = ids[2];
        await AssertIntactAsync(http);

        await using var db = await OpenDatabaseAsync();
        await Execute(db, "SET session_replication_role = replica");
        await Execute(db, "UPDATE audit_events SET status = 'failed' WHERE id = $1", edited);
        try
        {
            var broken = await http.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.False(broken.GetProperty("ok").GetBoolean());
            Assert.Equal(edited, broken.GetProperty("firstBrokenId").GetInt64());
            Assert.Contains("edited", broken.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await Execute(db, "UPDATE audit_events SET status = 'succeeded' WHERE id = $1", edited);
        }

        await AssertIntactAsync(http);
    }

    [Fact]
    public async Task VerifyNamesTheRowAfterADeletedRowAsTheFirstBrokenLink()
    {
        using var http = StackFixture.CreateAuditClient(stack.App);
        var ids = await AuditStoreTests.WriteBatchAsync(http, Enumerable.Range(0, 5)
            .Select(i => AuditStoreTests.Entry($"tests-{Guid.NewGuid():N}", "stripe", "succeeded")).ToList());
        var deleted = ids[2];
        await AssertIntactAsync(http);

        await using var db = await OpenDatabaseAsync();
        await Execute(db, "SET session_replication_role = replica");
        await Execute(db, $"CREATE TEMP TABLE deleted_row AS SELECT * FROM audit_events WHERE id = {deleted}");
        await Execute(db, "DELETE FROM audit_events WHERE id = $1", deleted);
        try
        {
            var broken = await http.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.False(broken.GetProperty("ok").GetBoolean());
            Assert.Equal(ids[3], broken.GetProperty("firstBrokenId").GetInt64());
            Assert.Contains($"row {ids[1]}", broken.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(ids[1], broken.GetProperty("lastId").GetInt64());
        }
        finally
        {
            await Execute(db, "INSERT INTO audit_events OVERRIDING SYSTEM VALUE SELECT * FROM deleted_row");
        }

        await AssertIntactAsync(http);
    }

    private static async Task AssertIntactAsync(HttpClient http)
    {
        var verification = await http.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(verification.GetProperty("ok").GetBoolean(), verification.GetRawText());
    }

    private HttpClient ReplicaClient()
    {
        var http = stack.App.CreateHttpClient(AuditChainFixture.Replica);
        http.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.AuditApiKey);
        return http;
    }

    private async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(await stack.App.GetConnectionStringAsync("auditdb"));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task Execute(NpgsqlConnection db, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> Scalar(NpgsqlConnection db, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
