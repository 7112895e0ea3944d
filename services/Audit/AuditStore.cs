using System.Runtime.CompilerServices;
using Integrations.Audit.Chain;
using Integrations.Audit.Client;
using Npgsql;
using NpgsqlTypes;

namespace Integrations.Audit;

/// <summary>
/// Reads <c>audit_events</c>: filtered keyset pages, row streams for export and verification.
/// Filters become SQL conditions only when set, so each query uses the index that fits it.
/// Appends go through <see cref="Writing.AuditWriter"/>.
/// </summary>
public sealed class AuditStore(NpgsqlDataSource dataSource)
{
    internal const string Columns =
        "id, ts, actor, provider, action, target, idempotency_key, status, environment, trace_id, scope, details, prev_hash, hash, caller, mac";

    /// <summary>One page: newest first, or oldest first after <see cref="AuditQuery.After"/>; <see cref="AuditPage.Next"/> when more rows match.</summary>
    public async Task<(IReadOnlyList<ChainRow> Items, long? Next)> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var rows = new List<ChainRow>(Math.Min(query.Limit + 1, 1001));
        await foreach (var row in StreamAsync(query, ascending: query.After is not null, limit: query.Limit + 1, cancellationToken))
        {
            rows.Add(row);
        }

        if (rows.Count <= query.Limit)
        {
            return (rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return (rows, rows[^1].Id);
    }

    /// <summary>Streams matching rows straight from the reader, in id order, without buffering them.</summary>
    public async IAsyncEnumerable<ChainRow> StreamAsync(
        AuditQuery query, bool ascending, int? limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        await using var command = dataSource.CreateCommand();
        var conditions = new List<string>();
        Add(conditions, command, "ts >= {0}", query.From, NpgsqlDbType.TimestampTz);
        Add(conditions, command, "ts < {0}", query.To, NpgsqlDbType.TimestampTz);
        Add(conditions, command, "actor = {0}", query.Actor, NpgsqlDbType.Text);
        Add(conditions, command, "provider = {0}", query.Provider, NpgsqlDbType.Text);
        Add(conditions, command, "action = {0}", query.Action, NpgsqlDbType.Text);
        Add(conditions, command, "target = {0}", query.Target, NpgsqlDbType.Text);
        Add(conditions, command, "idempotency_key = {0}", query.IdempotencyKey, NpgsqlDbType.Text);
        Add(conditions, command, "status = {0}", query.Status, NpgsqlDbType.Text);
        Add(conditions, command, "trace_id = {0}", query.TraceId, NpgsqlDbType.Text);
        Add(conditions, command, "caller = {0}", query.Caller, NpgsqlDbType.Text);
        Add(conditions, command, "id < {0}", query.Before, NpgsqlDbType.Bigint);
        Add(conditions, command, "id > {0}", query.After, NpgsqlDbType.Bigint);

        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        var order = ascending ? "ASC" : "DESC";
        var take = limit is { } n ? $"LIMIT {n}" : "";
        command.CommandText = $"SELECT {Columns} FROM audit_events {where} ORDER BY id {order} {take}";
        // An export or a verification runs as long as the reader keeps up; the request's abort ends it.
        command.CommandTimeout = 0;

        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    private static void Add<T>(List<string> conditions, NpgsqlCommand command, string condition, T? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            return;
        }

        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
        conditions.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, condition, "$" + command.Parameters.Count));
    }

    internal static ChainRow Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetFieldValue<DateTimeOffset>(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.GetString(7),
        reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.GetString(11),
        reader.GetFieldValue<byte[]>(12),
        reader.GetFieldValue<byte[]>(13),
        reader.IsDBNull(14) ? null : reader.GetString(14),
        reader.IsDBNull(15) ? null : reader.GetFieldValue<byte[]>(15));
}
