// One chain append: a single transaction that takes a transaction-scoped advisory lock, reads the
// newest row's hash, reserves ids from the identity sequence, computes each row's hash in id order
// and writes the rows with one binary COPY. The lock serialises appends across every replica of the
// audit service, so the chain is linear: no two rows ever share a prev_hash. Ids are reserved under
// the lock, so id order is chain order; a rolled-back append leaves a gap in ids, never in the chain.
// The lock is released by COMMIT or ROLLBACK, so a crashed appender cannot hold it. Each row also
// gets its caller and its MAC under the chain key (AuditMac), computed from its hash.
// An entry with an entry id (a caller that ships at least once, like the worker's audit outbox) is
// written only if audit_entry_ids does not hold its id yet, checked under the same lock; otherwise
// the row written the first time is its answer. Its reserved id is then left unused, a gap like a
// rollback's.
using Integrations.Audit.Chain;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Integrations.Audit.Writing;

public sealed class AuditAppender(NpgsqlDataSource dataSource, AuditMac mac, IOptions<AuditOptions> options, TimeProvider time)
{
    // Any constant works as long as every appender uses it; this one spells "auditcha".
    private const long ChainLockKey = 0x61756469_74636861;

    private const string CopyCommand = """
        COPY audit_events (id, ts, actor, provider, action, target, idempotency_key, status, environment, trace_id, scope, details, prev_hash, hash, caller, mac)
        FROM STDIN (FORMAT BINARY)
        """;

    public async Task<ChainRow[]> AppendAsync(IReadOnlyList<NewAuditRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return [];
        }

        try
        {
            return await AppendCoreAsync(rows, cancellationToken);
        }
        catch (Exception ex) when (Apis.AuditProblems.IsUnavailable(ex))
        {
            // Idle pooled connections died with the server too; drop them, so that the first append
            // after recovery opens a fresh connection instead of failing on a stale one.
            dataSource.Clear();
            throw;
        }
    }

    private async Task<ChainRow[]> AppendCoreAsync(IReadOnlyList<NewAuditRow> rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        byte[] previous;
        var ids = new long[rows.Count];
        var entryIds = rows.Where(row => row.EntryId is not null).Select(row => row.EntryId!.Value).Distinct().ToArray();
        var writtenBefore = new Dictionary<Guid, long>();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new() { Value = ChainLockKey } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT nextval('audit_events_id_seq') FROM generate_series(1, $1)") { Parameters = { new() { Value = rows.Count } } });
            if (entryIds.Length > 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT entry_id, audit_id FROM audit_entry_ids WHERE entry_id = ANY($1)")
                {
                    Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = entryIds } },
                });
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            previous = await reader.ReadAsync(cancellationToken) ? reader.GetFieldValue<byte[]>(0) : AuditHash.Genesis;
            await reader.NextResultAsync(cancellationToken);
            for (var i = 0; await reader.ReadAsync(cancellationToken); i++)
            {
                ids[i] = reader.GetInt64(0);
            }

            if (entryIds.Length > 0)
            {
                await reader.NextResultAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    writtenBefore[reader.GetGuid(0)] = reader.GetInt64(1);
                }
            }
        }

        Array.Sort(ids);
        var ts = AuditHash.TruncateToMicroseconds(time.GetUtcNow());
        var environment = options.Value.Environment;
        var answers = new ChainRow[rows.Count];
        var written = new List<ChainRow>(rows.Count);
        var firstInBatch = new Dictionary<Guid, int>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.EntryId is { } entryId && (writtenBefore.ContainsKey(entryId) || !firstInBatch.TryAdd(entryId, i)))
            {
                continue;
            }

            var unsealed = new ChainRow(ids[written.Count], ts, row.Actor, row.Provider, row.Action, row.Target, row.IdempotencyKey, row.Status,
                environment, row.TraceId, row.Scope, row.Details, previous, AuditHash.Genesis);
            var hash = AuditHash.Compute(previous, unsealed);
            answers[i] = unsealed with { Hash = hash, Caller = row.Caller, Mac = mac.Compute(hash, row.Caller) };
            written.Add(answers[i]);
            previous = hash;
        }

        await using (var importer = await connection.BeginBinaryImportAsync(CopyCommand, cancellationToken))
        {
            foreach (var row in written)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(row.Id, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(row.Ts, NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(row.Actor, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(row.Provider, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(row.Action, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(row.Target, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(importer, row.IdempotencyKey, cancellationToken);
                await importer.WriteAsync(row.Status, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(row.Environment, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(importer, row.TraceId, cancellationToken);
                await WriteNullableAsync(importer, row.Scope, cancellationToken);
                await importer.WriteAsync(row.Details, NpgsqlDbType.Json, cancellationToken);
                await importer.WriteAsync(row.PrevHash, NpgsqlDbType.Bytea, cancellationToken);
                await importer.WriteAsync(row.Hash, NpgsqlDbType.Bytea, cancellationToken);
                await importer.WriteAsync(row.Caller!, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(row.Mac!, NpgsqlDbType.Bytea, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await RecordEntryIdsAsync(connection, transaction, rows, answers, firstInBatch, cancellationToken);
        await AnswerRepeatsAsync(connection, transaction, rows, answers, writtenBefore, firstInBatch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return answers;
    }

    private static async Task RecordEntryIdsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewAuditRow> rows, ChainRow[] answers,
        Dictionary<Guid, int> firstInBatch, CancellationToken cancellationToken)
    {
        if (firstInBatch.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand("INSERT INTO audit_entry_ids (entry_id, audit_id) SELECT * FROM unnest($1::uuid[], $2::bigint[])", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. firstInBatch.Keys] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. firstInBatch.Values.Select(i => answers[i].Id)] });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An entry sent again is answered with the row its first sending wrote, in an earlier append or earlier in this one.</summary>
    private static async Task AnswerRepeatsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewAuditRow> rows, ChainRow[] answers,
        Dictionary<Guid, long> writtenBefore, Dictionary<Guid, int> firstInBatch, CancellationToken cancellationToken)
    {
        var earlier = new Dictionary<long, ChainRow>();
        if (writtenBefore.Count > 0)
        {
            await using var command = new NpgsqlCommand($"SELECT {AuditStore.Columns} FROM audit_events WHERE id = ANY($1)", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. writtenBefore.Values] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = AuditStore.Read(reader);
                earlier[row.Id] = row;
            }
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (answers[i] is null && rows[i].EntryId is { } entryId)
            {
                answers[i] = writtenBefore.TryGetValue(entryId, out var id) ? earlier[id] : answers[firstInBatch[entryId]];
            }
        }
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
