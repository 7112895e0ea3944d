namespace Integrations.AppHost.Tests;

/// <summary>The audit store's API on the shared stack: auth, writes, filters, keyset pages, export, redaction, least privilege.</summary>
[Collection(StackCollection.Name)]
public sealed class AuditStoreTests(StackFixture stack)
{
    private static readonly string[] s_exportFields =
        ["id", "ts", "actor", "provider", "action", "target", "idempotencyKey", "status", "environment", "traceId", "scope", "details", "prevHash", "hash", "caller", "mac"];

    [Fact]
    public async Task AuditEndpointsRefuseRequestsWithoutTheRightApiKey()
    {
        foreach (var key in new[] { null, "wrong-key" })
        {
            using var http = StackFixture.CreateAuditClient(stack.App, key);
            using var write = await http.PostAsJsonAsync("/api/audit", Entry("tests-auth", "slack", "succeeded"));
            Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
            Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
            foreach (var path in new[] { "/api/audit", "/api/audit/export", "/api/audit/verify" })
            {
                using var read = await http.GetAsync(path);
                Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
            }
        }

        Assert.Empty(await stack.GetAuditRowsAsync<JsonElement>("?actor=tests-auth"));
    }

    [Fact]
    public async Task FiltersAndKeysetPagesReturnEveryMatchingRowExactlyOnce()
    {
        var actor = $"tests-{Guid.NewGuid():N}";
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var http = stack.CreateAuditClient();
        var first = Enumerable.Range(0, 15).Select(i => Entry(actor, i % 3 == 0 ? "github" : "slack", i % 5 == 0 ? "failed" : "succeeded", $"{actor}:{i}")).ToList();
        first[7] = first[7] with { TraceId = traceId };
        await WriteBatchAsync(http, first);
        await Task.Delay(50);
        var between = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await WriteBatchAsync(http, Enumerable.Range(15, 10).Select(i => Entry(actor, "stripe", "succeeded", $"{actor}:{i}")).ToList());

        var seen = new List<long>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await http.GetFromJsonAsync<AuditPageDto<JsonElement>>($"/api/audit?actor={actor}&limit=10{(next is null ? "" : $"&before={next}")}");
            pages++;
            seen.AddRange(page!.Items.Select(row => row.GetProperty("id").GetInt64()));
            next = page.Next;
        }
        while (next is not null);

        Assert.Equal(3, pages);
        Assert.Equal(25, seen.Count);
        Assert.Equal(25, seen.Distinct().Count());
        Assert.Equal(seen.OrderDescending(), seen);

        var forward = await http.GetFromJsonAsync<AuditPageDto<JsonElement>>($"/api/audit?actor={actor}&after={seen.Min() - 1}&limit=10");
        Assert.Equal(seen.Order().Take(10), forward!.Items.Select(row => row.GetProperty("id").GetInt64()));
        Assert.Equal(forward.Items[^1].GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), forward.Next);

        Assert.Equal(3, (await stack.GetAuditRowsAsync<JsonElement>($"?actor={actor}&status=failed")).Count);
        Assert.Equal(5, (await stack.GetAuditRowsAsync<JsonElement>($"?actor={actor}&provider=github")).Count);
        Assert.Single(await stack.GetAuditRowsAsync<JsonElement>($"?actor={actor}&provider=github&status=failed"));
        Assert.Equal(10, (await stack.GetAuditRowsAsync<JsonElement>($"?actor={actor}&from={Uri.EscapeDataString(between.ToString("O"))}")).Count);
        Assert.Equal(15, (await stack.GetAuditRowsAsync<JsonElement>($"?actor={actor}&to={Uri.EscapeDataString(between.ToString("O"))}")).Count);
        var traced = Assert.Single(await stack.GetAuditRowsAsync<JsonElement>($"?traceId={traceId}"));
        Assert.Equal($"{actor}:7", traced.GetProperty("idempotencyKey").GetString());
        Assert.Single(await stack.GetAuditRowsAsync<JsonElement>($"?idempotencyKey={actor}:20&action=SendMessage&target=%23audit"));

        using var invalid = await http.GetAsync("/api/audit?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task ARowRecordsTheOwnerOfTheKeyItWasWrittenWithAsItsCallerWhateverActorItClaims()
    {
        var key = $"tests-{Guid.NewGuid():N}";
        using var asWorker = StackFixture.CreateAuditClient(stack.App, StackFixture.AuditWorkerKey);
        using var asOperator = stack.CreateAuditClient();

        var byWorker = await new AuditClient(asWorker).WriteAsync(Entry("someone-else", "slack", "succeeded", $"{key}:worker"));
        var byOperator = await new AuditClient(asOperator).WriteAsync(Entry("someone-else", "slack", "succeeded", $"{key}:operator"));

        Assert.Equal(("someone-else", "worker"), (byWorker.Actor, byWorker.Caller));
        Assert.Equal(("someone-else", "operator"), (byOperator.Actor, byOperator.Caller));
        Assert.Matches("^[0-9a-f]{64}$", byWorker.Mac);
        await using var db = await stack.OpenDatabaseAsync("auditdb");
        Assert.Equal("worker", await Scalar(db, "SELECT caller FROM audit_events WHERE id = $1", byWorker.Id));
        Assert.Equal("operator", await Scalar(db, "SELECT caller FROM audit_events WHERE id = $1", byOperator.Id));
        var written = Assert.Single(await stack.GetAuditRowsAsync<AuditRecord>($"?caller=worker&idempotencyKey={key}:worker"));
        Assert.Equal("worker", written.Caller);
        Assert.Empty(await stack.GetAuditRowsAsync<AuditRecord>($"?caller=worker&idempotencyKey={key}:operator"));
        using var export = await asOperator.GetAsync($"/api/audit/export?idempotencyKey={key}:worker");
        using var line = JsonDocument.Parse(await export.Content.ReadAsStringAsync());
        Assert.Equal("worker", line.RootElement.GetProperty("caller").GetString());
    }

    [Fact]
    public async Task ExportStreamsEveryMatchingRowAsOneJsonObjectPerLine()
    {
        var actor = $"tests-{Guid.NewGuid():N}";
        using var http = stack.CreateAuditClient();
        await WriteBatchAsync(http, Enumerable.Range(0, 40).Select(i => Entry(actor, "slack", "succeeded", $"{actor}:{i}")).ToList());

        using var response = await http.GetAsync($"/api/audit/export?actor={actor}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(40, lines.Length);
        Assert.EndsWith("\n", body, StringComparison.Ordinal);
        var ids = new List<long>();
        foreach (var line in lines)
        {
            using var row = JsonDocument.Parse(line);
            Assert.Equal(s_exportFields, row.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(actor, row.RootElement.GetProperty("actor").GetString());
            Assert.Matches("^[0-9a-f]{64}$", row.RootElement.GetProperty("hash").GetString());
            ids.Add(row.RootElement.GetProperty("id").GetInt64());
        }

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"{actor}:{i}"),
            lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("idempotencyKey").GetString()));
    }

    [Fact]
    public async Task SecretsInDetailsAreRedactedBeforeTheyAreStoredOrHashed()
    {
        var actor = $"tests-{Guid.NewGuid():N}";
        using var http = stack.CreateAuditClient();
        using var response = await http.PostAsJsonAsync("/api/audit", Entry(actor, "slack", "succeeded") with
        {
            Scope = "chat:write",
            Details = JsonSerializer.SerializeToElement(new Dictionary<string, object>
            {
                ["channel"] = "#general",
                ["access_token"] = "xoxb-secret-token-value",
                ["request"] = new Dictionary<string, object> { ["Authorization"] = "Bearer sk-live-123", ["X-Api-Key"] = "key-456", ["size"] = 3 },
                ["note"] = "Bearer naked-bearer-value",
            }),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var record = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("chat:write", record.GetProperty("scope").GetString());

        await using var db = await stack.OpenDatabaseAsync("auditdb");
        await using var command = new NpgsqlCommand("SELECT details::text FROM audit_events WHERE id = $1", db) { Parameters = { new() { Value = record.GetProperty("id").GetInt64() } } };
        var stored = (string)(await command.ExecuteScalarAsync())!;

        foreach (var secret in new[] { "xoxb-secret-token-value", "sk-live-123", "key-456", "naked-bearer-value" })
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, record.GetRawText(), StringComparison.Ordinal);
        }

        using var details = JsonDocument.Parse(stored);
        Assert.Equal("#general", details.RootElement.GetProperty("channel").GetString());
        Assert.Equal("[redacted]", details.RootElement.GetProperty("access_token").GetString());
        Assert.Equal("[redacted]", details.RootElement.GetProperty("request").GetProperty("Authorization").GetString());
        Assert.Equal(3, details.RootElement.GetProperty("request").GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task InvalidEntriesAreRefusedWith400ProblemDetailsAndNotStored()
    {
        var actor = $"tests-{Guid.NewGuid():N}";
        using var http = stack.CreateAuditClient();
        using var single = await http.PostAsJsonAsync("/api/audit", Entry(actor, "", "done"));
        Assert.Equal(HttpStatusCode.BadRequest, single.StatusCode);
        Assert.Equal("application/problem+json", single.Content.Headers.ContentType?.MediaType);
        var problem = await single.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("provider", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));

        using var batch = await http.PostAsJsonAsync("/api/audit/batch", new[] { Entry(actor, "slack", "succeeded"), Entry(actor, "slack", "succeeded") with { TraceId = "not-a-trace" } });
        Assert.Equal(HttpStatusCode.BadRequest, batch.StatusCode);
        var batchProblem = await batch.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(batchProblem.GetProperty("errors").TryGetProperty("[1].traceId", out _));

        Assert.Empty(await stack.GetAuditRowsAsync<JsonElement>($"?actor={actor}"));
    }

    [Fact]
    public async Task ConcurrentWritersAreAcknowledgedOnlyWithCommittedRowsOfOneIntactChain()
    {
        var actor = $"tests-{Guid.NewGuid():N}";
        using var http = stack.CreateAuditClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await http.PostAsJsonAsync("/api/audit", Entry(actor, "slack", "succeeded", $"{actor}:{i}"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }));

        var ids = responses.Select(r => r.GetProperty("id").GetInt64()).ToHashSet();
        Assert.Equal(200, ids.Count);
        Assert.Equal(200, await stack.ScalarAsync("auditdb", "SELECT count(*) FROM audit_events WHERE actor = $1", actor));

        var verification = await http.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(verification.GetProperty("ok").GetBoolean(), verification.GetRawText());
        Assert.True(verification.GetProperty("checked").GetInt64() >= 200);
        Assert.True(verification.GetProperty("lastId").GetInt64() >= ids.Max());
    }

    [Fact]
    public async Task TheServicesDatabaseRoleCanInsertAndSelectButNeverUpdateOrDelete()
    {
        var actor = $"tests-{Guid.NewGuid():N}";
        using var http = stack.CreateAuditClient();
        await WriteBatchAsync(http, [Entry(actor, "slack", "succeeded")]);

        // The audit service is healthy only while its connections run as audit_writer without UPDATE or DELETE.
        using var audit = stack.App.CreateHttpClient("audit");
        Assert.Equal("Healthy", (await audit.GetFromJsonAsync<JsonElement>("/health")).GetProperty("status").GetString());

        await using var db = await stack.OpenDatabaseAsync("auditdb");
        await Execute(db, "SET ROLE audit_writer");
        Assert.Equal(1L, await Scalar(db, "SELECT count(*) FROM audit_events WHERE actor = $1", actor));
        foreach (var sql in new[] { "UPDATE audit_events SET target = 'forged' WHERE actor = $1", "DELETE FROM audit_events WHERE actor = $1" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => Execute(db, sql, actor));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            Assert.Contains("permission denied", refused.MessageText, StringComparison.Ordinal);
        }

        await Execute(db, "RESET ROLE");
        // Even the owner is stopped by the append-only trigger (only bypassing triggers gets past it; verify catches that).
        var blocked = await Assert.ThrowsAsync<PostgresException>(() => Execute(db, "DELETE FROM audit_events WHERE actor = $1", actor));
        Assert.Contains("append-only", blocked.MessageText, StringComparison.Ordinal);
        Assert.Single(await stack.GetAuditRowsAsync<JsonElement>($"?actor={actor}"));
    }

    [Fact]
    public async Task AnEntrySentAgainUnderItsEntryIdIsOneRowAndEachAnswerNamesIt()
    {
        var actor = $"tests-{Guid.NewGuid():N}";
        var first = Entry(actor, "slack", "started") with { EntryId = Guid.NewGuid() };
        var second = Entry(actor, "slack", "succeeded") with { EntryId = Guid.NewGuid() };
        using var http = stack.CreateAuditClient();

        var written = await WriteBatchAsync(http, [first, second, first]);
        var again = await WriteBatchAsync(http, [second, Entry(actor, "slack", "failed"), first]);

        Assert.Equal(written[0], written[2]);
        Assert.Equal([written[1], written[0]], [again[0], again[2]]);
        Assert.DoesNotContain(again[1], written);
        Assert.Equal(3, (await stack.GetAuditRowsAsync<JsonElement>($"?actor={actor}")).Count);
        using var single = await http.PostAsJsonAsync("/api/audit", second);
        Assert.Equal(HttpStatusCode.Created, single.StatusCode);
        Assert.Equal(written[1], (await single.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        using var verify = await http.GetAsync("/api/audit/verify");
        Assert.True((await verify.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean());
    }

    internal static AuditEntry Entry(string actor, string provider, string status, string? key = null) =>
        new(actor, provider, "SendMessage", "#audit", key, status);

    internal static async Task<List<long>> WriteBatchAsync(HttpClient http, IReadOnlyList<AuditEntry> entries)
    {
        using var response = await http.PostAsJsonAsync("/api/audit/batch", entries);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var written = await response.Content.ReadFromJsonAsync<JsonElement>();
        return written.GetProperty("ids").EnumerateArray().Select(id => id.GetInt64()).ToList();
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

    private static async Task<object?> Scalar(NpgsqlConnection db, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteScalarAsync();
    }
}
