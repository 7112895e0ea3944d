// One chain append: a single transaction that takes a transaction-scoped advisory lock, reads the
// newest row's hash, reserves ids from the identity sequence, computes each row's hash in id order
// and writes the rows with one binary COPY. The lock serialises appends across every replica of the
// audit service, so the chain is linear: no two rows ever share a prev_hash. Ids are reserved under
// the lock, so id order is chain order; a rolled-back append leaves a gap in ids, never in the chain.
// The lock is released by COMMIT or ROLLBACK, so a crashed appender cannot hold it. Each row also
// gets its caller and its MAC under the chain key (AuditMac), computed from its hash.
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
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new() { Value = ChainLockKey } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT nextval('audit_events_id_seq') FROM generate_series(1, $1)") { Parameters = { new() { Value = rows.Count } } });

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            previous = await reader.ReadAsync(cancellationToken) ? reader.GetFieldValue<byte[]>(0) : AuditHash.Genesis;
            await reader.NextResultAsync(cancellationToken);
            for (var i = 0; await reader.ReadAsync(cancellationToken); i++)
            {
                ids[i] = reader.GetInt64(0);
            }
        }

        Array.Sort(ids);
        var ts = AuditHash.TruncateToMicroseconds(time.GetUtcNow());
        var environment = options.Value.Environment;
        var written = new ChainRow[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var unsealed = new ChainRow(ids[i], ts, row.Actor, row.Provider, row.Action, row.Target, row.IdempotencyKey, row.Status,
                environment, row.TraceId, row.Scope, row.Details, previous, AuditHash.Genesis);
            var hash = AuditHash.Compute(previous, unsealed);
            written[i] = unsealed with { Hash = hash, Caller = row.Caller, Mac = mac.Compute(hash, row.Caller) };
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

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
