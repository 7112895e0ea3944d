namespace Integrations.AppHost.Tests;

/// <summary>
/// The hash chain under concurrent appends from two replicas, and verification after rows are edited,
/// deleted or rewritten with a recomputed chain behind the service's back by a superuser (who bypasses
/// the append-only trigger). Each tampering test restores the rows byte for byte afterwards, so the
/// tests do not depend on order.
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

    [Fact]
    public async Task ARowRewrittenWithTheWholeUnkeyedChainRecomputedIsReportedAtThatRow()
    {
        using var http = StackFixture.CreateAuditClient(stack.App);
        var ids = await AuditStoreTests.WriteBatchAsync(http, Enumerable.Range(0, 5)
            .Select(i => AuditStoreTests.Entry($"tests-{Guid.NewGuid():N}", "github", "succeeded")).ToList());
        var rewritten = ids[2];
        await AssertIntactAsync(http);

        await using var db = await OpenDatabaseAsync();
        await Execute(db, "SET session_replication_role = replica");
        await Execute(db, $"CREATE TEMP TABLE rewritten_rows AS SELECT id, target, prev_hash, hash FROM audit_events WHERE id >= {rewritten}");
        await Execute(db, "UPDATE audit_events SET target = 'forged' WHERE id = $1", rewritten);
        await RecomputeUnkeyedChainAsync(db, rewritten);
        try
        {
            var broken = await http.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.False(broken.GetProperty("ok").GetBoolean(), broken.GetRawText());
            Assert.Equal(rewritten, broken.GetProperty("firstBrokenId").GetInt64());
            Assert.Contains("MAC does not verify", broken.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(ids[1], broken.GetProperty("lastId").GetInt64());

            var cli = await CliRun.InvokeAsync(
                new Dictionary<string, string?>
                {
                    ["INTEGRATIONS_AUDIT_URL"] = stack.App.GetEndpoint("audit", "http").AbsoluteUri,
                    ["INTEGRATIONS_AUDIT_KEY"] = StackFixture.AuditApiKey,
                },
                ["audit", "verify"]);
            Assert.Equal(1, cli.ExitCode);
            Assert.Contains($"BROKEN at row {rewritten}", cli.Output, StringComparison.Ordinal);
        }
        finally
        {
            await Execute(db, """
                UPDATE audit_events a SET target = r.target, prev_hash = r.prev_hash, hash = r.hash
                FROM rewritten_rows r WHERE a.id = r.id
                """);
        }

        await AssertIntactAsync(http);
    }

    [Fact]
    public async Task AMacStrippedFromARowAfterAKeyedRowIsReportedAtThatRow()
    {
        using var http = StackFixture.CreateAuditClient(stack.App);
        var ids = await AuditStoreTests.WriteBatchAsync(http, Enumerable.Range(0, 3)
            .Select(i => AuditStoreTests.Entry($"tests-{Guid.NewGuid():N}", "slack", "succeeded")).ToList());
        var stripped = ids[1];
        await AssertIntactAsync(http);

        await using var db = await OpenDatabaseAsync();
        await Execute(db, "SET session_replication_role = replica");
        await Execute(db, $"CREATE TEMP TABLE stripped_row AS SELECT id, mac FROM audit_events WHERE id = {stripped}");
        await Execute(db, "UPDATE audit_events SET mac = NULL WHERE id = $1", stripped);
        try
        {
            var broken = await http.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.False(broken.GetProperty("ok").GetBoolean(), broken.GetRawText());
            Assert.Equal(stripped, broken.GetProperty("firstBrokenId").GetInt64());
            Assert.Contains("has no MAC", broken.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await Execute(db, "UPDATE audit_events a SET mac = s.mac FROM stripped_row s WHERE a.id = s.id");
        }

        await AssertIntactAsync(http);
    }

    /// <summary>
    /// An upgraded log: rows without a MAC, as written before the chain key. Until something seals them it
    /// reads as broken; an audit service that starts on it (<see cref="AuditChainFixture.Late"/>) appends a
    /// keyed seal row, and then it verifies.
    /// </summary>
    [Fact]
    public async Task AnAuditServiceStartingOnRowsWithoutAnyMacSealsThemWithAKeyedRow()
    {
        using var http = StackFixture.CreateAuditClient(stack.App);
        await AuditStoreTests.WriteBatchAsync(http, [AuditStoreTests.Entry($"tests-{Guid.NewGuid():N}", "slack", "succeeded")]);
        await AssertIntactAsync(http);

        await using var db = await OpenDatabaseAsync();
        await Execute(db, "SET session_replication_role = replica");
        await Execute(db, "CREATE TEMP TABLE keyed_rows AS SELECT id, mac FROM audit_events WHERE mac IS NOT NULL");
        await Execute(db, "UPDATE audit_events SET mac = NULL WHERE mac IS NOT NULL");
        var unkeyed = await Scalar(db, "SELECT count(*) FROM audit_events");
        var newest = await Scalar(db, "SELECT max(id) FROM audit_events");
        try
        {
            var unsealed = await http.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.False(unsealed.GetProperty("ok").GetBoolean(), unsealed.GetRawText());
            Assert.Contains("no row has a MAC", unsealed.GetProperty("reason").GetString(), StringComparison.Ordinal);

            using var cts = new CancellationTokenSource(StackFixture.StartTimeout);
            var started = await stack.App.ResourceCommands.ExecuteCommandAsync(AuditChainFixture.Late, KnownResourceCommands.StartCommand, cts.Token);
            Assert.True(started.Success, started.Message);
            await stack.App.ResourceNotifications.WaitForResourceHealthyAsync(AuditChainFixture.Late, cts.Token).WaitAsync(StackFixture.StartTimeout, cts.Token);
            var seal = await StackFixture.EventuallyAsync(
                async () => (await StackFixture.GetAuditRowsAsync<JsonElement>(stack.App, $"?after={newest}&limit=10")).FirstOrDefault() is { ValueKind: JsonValueKind.Object } row ? (object)row : null,
                "the seal row");
            var sealRow = (JsonElement)seal;
            Assert.Equal(("SealChain", "audit", "audit"), (sealRow.GetProperty("action").GetString(), sealRow.GetProperty("actor").GetString(), sealRow.GetProperty("caller").GetString()));
            Assert.Equal(unkeyed, sealRow.GetProperty("details").GetProperty("unkeyedRows").GetInt64());
            Assert.Equal(newest, sealRow.GetProperty("details").GetProperty("lastUnkeyedId").GetInt64());
            await AssertIntactAsync(http);
        }
        finally
        {
            await Execute(db, "UPDATE audit_events a SET mac = k.mac FROM keyed_rows k WHERE a.id = k.id");
        }

        await AssertIntactAsync(http);
    }

    /// <summary>What someone with database access but without the chain key can do: recompute every hash from <paramref name="fromId"/> on, as migration 002 does.</summary>
    private static Task RecomputeUnkeyedChainAsync(NpgsqlConnection db, long fromId) => Execute(db, $$"""
        CREATE OR REPLACE FUNCTION pg_temp.audit_field(value text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $f$
            SELECT CASE WHEN value IS NULL THEN '\xffffffff'::bytea
                        ELSE int4send(octet_length(convert_to(value, 'UTF8'))) || convert_to(value, 'UTF8') END
        $f$;
        DO $$
        DECLARE
            r record;
            previous bytea := (SELECT prev_hash FROM audit_events WHERE id = {{fromId}});
            current_hash bytea;
        BEGIN
            FOR r IN SELECT * FROM audit_events WHERE id >= {{fromId}} ORDER BY id LOOP
                current_hash := sha256(
                    previous || int8send(r.id) || int8send((extract(epoch FROM r.ts) * 1000000)::bigint)
                    || pg_temp.audit_field(r.actor) || pg_temp.audit_field(r.provider) || pg_temp.audit_field(r.action)
                    || pg_temp.audit_field(r.target) || pg_temp.audit_field(r.idempotency_key) || pg_temp.audit_field(r.status)
                    || pg_temp.audit_field(r.environment) || pg_temp.audit_field(r.trace_id) || pg_temp.audit_field(r.scope)
                    || pg_temp.audit_field(r.details::text));
                UPDATE audit_events SET prev_hash = previous, hash = current_hash WHERE id = r.id;
                previous := current_hash;
            END LOOP;
        END
        $$;
        """);

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
