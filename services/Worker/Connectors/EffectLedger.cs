using Integrations.Audit.Client;
using Npgsql;

namespace Integrations.Worker.Connectors;

/// <summary>
/// The durable record of every guarded effect, in the worker's database (<c>effects</c>), so that
/// exactly-once does not rest on Redis keeping a key: Redis may lose, evict or expire it (after 7
/// days) and the ledger still knows. <see cref="StartAsync"/> records an attempt before the provider
/// is called and returns what earlier attempts left: a completed outcome to return as is, or a start
/// without completion, meaning an earlier attempt may have acted and the recovery check must run. An
/// attempt that goes ahead (no outcome yet, and the key's own request) gets its <c>started</c> audit row in
/// the same statement. <see cref="CompleteAsync"/> records the outcome before the gate hears of it, with the
/// effect's audit row in the same transaction (<see cref="AuditOutbox"/>), so an effect recorded as done
/// always has its row, and one attempted always has its <c>started</c> row. Only completions wake the
/// shipper; a <c>started</c> row goes with the next shipment.
/// Starts and completions of the deliveries under way share one statement and one commit each
/// (<see cref="Coalescer{TItem, TResult}"/>), as the deliveries' own group commits do.
/// </summary>
public sealed class EffectLedger : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private const int Senders = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly AuditOutbox _outbox;
    private readonly Coalescer<LedgerStart, LedgerEntry> _starts;
    private readonly Coalescer<LedgerCompletion, bool> _completions;

    public EffectLedger(NpgsqlDataSource dataSource, AuditOutbox outbox)
    {
        _dataSource = dataSource;
        _outbox = outbox;
        _starts = new("effect ledger start batch", StartBatchAsync, MaxBatch, Senders);
        _completions = new("effect ledger complete batch", CompleteBatchAsync, MaxBatch, Senders);
    }

    /// <summary>
    /// Records an attempt at the effect and returns what the ledger held before it. When the attempt may
    /// go ahead (<see cref="LedgerEntry.MayProceed"/>), <paramref name="started"/> is committed to the audit
    /// outbox with the start; otherwise it is not written.
    /// </summary>
    public Task<LedgerEntry> StartAsync(string idempotencyKey, string fingerprint, AuditEntry started, CancellationToken cancellationToken) =>
        _starts.SendAsync(new LedgerStart(idempotencyKey, fingerprint, started), cancellationToken);

    /// <summary>What the ledger holds for a key, without recording anything (a replay preview); <c>null</c> when no attempt started it.</summary>
    public async Task<LedgerEntry?> FindAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT fingerprint, first_started_at, succeeded, outcome FROM effects WHERE idempotency_key = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = idempotencyKey });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new LedgerEntry(
                Existed: true,
                Fingerprint: reader.GetString(0),
                FirstStartedAt: reader.GetFieldValue<DateTimeOffset>(1),
                Succeeded: reader.IsDBNull(2) ? null : reader.GetBoolean(2),
                Outcome: reader.IsDBNull(3) ? null : reader.GetString(3))
            : null;
    }

    /// <summary>
    /// Records the effect's outcome, and <paramref name="audit"/> in the audit outbox in the same
    /// transaction; a key already completed keeps its first outcome.
    /// </summary>
    public Task CompleteAsync(string idempotencyKey, string outcome, bool succeeded, AuditEntry? audit, CancellationToken cancellationToken) =>
        _completions.SendAsync(new LedgerCompletion(idempotencyKey, outcome, succeeded, audit), cancellationToken);

    private async Task<IReadOnlyList<LedgerEntry>> StartBatchAsync(IReadOnlyList<LedgerStart> starts, CancellationToken cancellationToken)
    {
        // One INSERT cannot touch a row twice, so a key repeated within the batch waits for the next round.
        var entries = new LedgerEntry[starts.Count];
        var remaining = Enumerable.Range(0, starts.Count).ToList();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        while (remaining.Count > 0)
        {
            var round = remaining.DistinctBy(i => starts[i].IdempotencyKey, StringComparer.Ordinal).ToList();
            remaining = [.. remaining.Except(round)];
            // The 'started' row is written for the attempts that go ahead, by the same rule as MayProceed.
            await using var command = new NpgsqlCommand(
                """
                WITH attempt AS (
                    SELECT * FROM unnest($1::text[], $2::text[], $3::json[]) AS a(idempotency_key, fingerprint, started)),
                started AS (
                    INSERT INTO effects AS e (idempotency_key, fingerprint)
                    SELECT idempotency_key, fingerprint FROM attempt
                    ON CONFLICT (idempotency_key) DO UPDATE SET attempts = e.attempts + 1
                    RETURNING e.idempotency_key, xmax <> 0 AS existed, e.fingerprint, e.first_started_at, e.succeeded, e.outcome),
                audited AS (
                    INSERT INTO audit_outbox (entry)
                    SELECT a.started FROM started s JOIN attempt a USING (idempotency_key)
                    WHERE s.succeeded IS NULL AND s.fingerprint = a.fingerprint)
                SELECT idempotency_key, existed, fingerprint, first_started_at, succeeded, outcome FROM started
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. round.Select(i => starts[i].IdempotencyKey)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. round.Select(i => starts[i].Fingerprint)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. round.Select(i => AuditOutbox.Serialize(starts[i].Started))] });
            var byKey = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    byKey[reader.GetString(0)] = new LedgerEntry(
                        Existed: reader.GetBoolean(1),
                        Fingerprint: reader.GetString(2),
                        FirstStartedAt: reader.GetFieldValue<DateTimeOffset>(3),
                        Succeeded: reader.IsDBNull(4) ? null : reader.GetBoolean(4),
                        Outcome: reader.IsDBNull(5) ? null : reader.GetString(5));
                }
            }

            foreach (var i in round)
            {
                entries[i] = byKey[starts[i].IdempotencyKey];
            }
        }

        // The 'started' rows are not announced: they go with the next shipment, which the effect's own
        // outcome announces moments later (or the shipper's poll, within a second, for a slow effect).
        // Announcing both woke the shipper twice per effect, and its calls to the audit service carried
        // half the rows each.
        return entries;
    }

    private async Task<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<LedgerCompletion> completions, CancellationToken cancellationToken)
    {
        // One batch is one transaction: the outcomes and their audit rows commit together or not at all.
        // "idempotency_key = ANY($1)" keeps the rows reached through the primary key in any plan: the
        // statement is prepared, and a generic plan made while the table was small joined a scan of the
        // whole table, kept until autovacuum's next analyze of the table replanned it (1.7 ms per batch
        // at 20,000 rows): a new stack's first minutes.
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            UPDATE effects AS e SET completed_at = now(), succeeded = c.succeeded, outcome = c.outcome
            FROM unnest($1::text[], $2::text[], $3::boolean[]) AS c(idempotency_key, outcome, succeeded)
            WHERE e.idempotency_key = ANY($1) AND e.idempotency_key = c.idempotency_key AND e.completed_at IS NULL
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]> { TypedValue = [.. completions.Select(c => c.IdempotencyKey)] },
                new NpgsqlParameter<string[]> { TypedValue = [.. completions.Select(c => c.Outcome)] },
                new NpgsqlParameter<bool[]> { TypedValue = [.. completions.Select(c => c.Succeeded)] },
            },
        });
        var audits = completions.Where(c => c.Audit is not null).Select(c => c.Audit!).ToList();
        if (audits.Count > 0)
        {
            batch.BatchCommands.Add(AuditOutbox.Insert(audits));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (audits.Count > 0)
        {
            _outbox.Announce();
        }

        return [.. completions.Select(_ => true)];
    }

    public async ValueTask DisposeAsync()
    {
        await _starts.DisposeAsync();
        await _completions.DisposeAsync();
    }

    private sealed record LedgerStart(string IdempotencyKey, string Fingerprint, AuditEntry Started);

    private sealed record LedgerCompletion(string IdempotencyKey, string Outcome, bool Succeeded, AuditEntry? Audit);
}

/// <summary>What the ledger held for a key when an attempt started.</summary>
/// <param name="Existed">An earlier attempt started this effect (it may have acted, unless <see cref="Completed"/>).</param>
/// <param name="Fingerprint">The fingerprint of the request the key was first used for.</param>
/// <param name="FirstStartedAt">When the first attempt started (the database's clock).</param>
/// <param name="Succeeded">Null until completed; then whether it succeeded or failed permanently.</param>
/// <param name="Outcome">The completed effect's outcome, e.g. the Slack message's timestamp.</param>
public sealed record LedgerEntry(bool Existed, string Fingerprint, DateTimeOffset FirstStartedAt, bool? Succeeded, string? Outcome)
{
    public bool Completed => Succeeded is not null;

    /// <summary>An attempt for <paramref name="fingerprint"/> may act: the key is its own request's, and no outcome is recorded.</summary>
    public bool MayProceed(string fingerprint) => Succeeded is null && string.Equals(Fingerprint, fingerprint, StringComparison.Ordinal);
}
