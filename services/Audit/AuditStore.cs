using System.Diagnostics;
using Integrations.Audit.Client;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Integrations.Audit;

/// <summary>
/// Reads and appends rows of <c>audit_events</c>. An append returns only after the insert committed.
/// The trace id is the one the request arrived with, so a row links to the trace that caused it.
/// </summary>
public sealed class AuditStore(NpgsqlDataSource dataSource, IOptions<AuditOptions> options)
{
    private const string Columns =
        "id, ts, actor, provider, action, target, idempotency_key, status, environment, trace_id";

    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO audit_events (actor, provider, action, target, idempotency_key, status, environment, trace_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            RETURNING {Columns}
            """);
        command.Parameters.Add(new() { Value = entry.Actor });
        command.Parameters.Add(new() { Value = entry.Provider });
        command.Parameters.Add(new() { Value = entry.Action });
        command.Parameters.Add(new() { Value = entry.Target });
        command.Parameters.Add(new() { Value = (object?)entry.IdempotencyKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = entry.Status });
        command.Parameters.Add(new() { Value = options.Value.Environment });
        command.Parameters.Add(new() { Value = (object?)Activity.Current?.TraceId.ToHexString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Read(reader);
    }

    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM audit_events
            WHERE ($1::text IS NULL OR provider = $1)
              AND ($2::text IS NULL OR action = $2)
              AND ($3::text IS NULL OR idempotency_key = $3)
              AND ($4::text IS NULL OR trace_id = $4)
            ORDER BY id DESC
            LIMIT $5
            """);
        command.Parameters.Add(new() { Value = (object?)query.Provider ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.Action ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.IdempotencyKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.TraceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = query.Limit });

        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(Read(reader));
        }

        return records;
    }

    private static AuditRecord Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetFieldValue<DateTimeOffset>(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.GetString(7),
        reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9));
}
