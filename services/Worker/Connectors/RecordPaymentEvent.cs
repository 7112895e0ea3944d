using Integrations.Audit.Client;
using Integrations.Worker.Replay;
using Npgsql;
using NpgsqlTypes;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Records what a Stripe event says about a customer in the internal <c>customers</c> table.
/// Order is never assumed. An event newer than the stored state (by Stripe's <c>created</c>, then
/// by event id for events created in the same second) overwrites the fields it carries; an older
/// event arriving late only fills fields that are still empty (a <c>customer.updated</c> never
/// carries the plan, so a checkout processed after it must still record plan and amount) and is
/// audited <c>skipped</c>. Fields an event does not carry keep their values. In a replay preview
/// (<see cref="ReplayPreviewContext"/>) it writes nothing: it reads the stored record and plans the step.
/// </summary>
public sealed class RecordPaymentEvent(NpgsqlDataSource dataSource, WriteAudit writeAudit, ReplayPreviewContext preview)
{
    public const string Action = nameof(RecordPaymentEvent);

    /// <returns><c>true</c> when the event is now the newest applied; <c>false</c> when newer state was already stored.</returns>
    public async Task<bool> RunAsync(CustomerUpdate update, string idempotencyKey, CancellationToken cancellationToken, string actor = WriteAudit.Actor)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (preview.IsPreview)
        {
            return await PreviewAsync(update, idempotencyKey, cancellationToken);
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO customers AS c (customer_id, email, name, plan, amount, currency, livemode, last_event_at, last_event_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (customer_id) DO UPDATE SET -- newer event: its fields win; older event: it only fills gaps
                email = CASE WHEN (excluded.last_event_at, excluded.last_event_id) > (c.last_event_at, c.last_event_id) THEN COALESCE(excluded.email, c.email) ELSE COALESCE(c.email, excluded.email) END,
                name = CASE WHEN (excluded.last_event_at, excluded.last_event_id) > (c.last_event_at, c.last_event_id) THEN COALESCE(excluded.name, c.name) ELSE COALESCE(c.name, excluded.name) END,
                plan = CASE WHEN (excluded.last_event_at, excluded.last_event_id) > (c.last_event_at, c.last_event_id) THEN COALESCE(excluded.plan, c.plan) ELSE COALESCE(c.plan, excluded.plan) END,
                amount = CASE WHEN (excluded.last_event_at, excluded.last_event_id) > (c.last_event_at, c.last_event_id) THEN COALESCE(excluded.amount, c.amount) ELSE COALESCE(c.amount, excluded.amount) END,
                currency = CASE WHEN (excluded.last_event_at, excluded.last_event_id) > (c.last_event_at, c.last_event_id) THEN COALESCE(excluded.currency, c.currency) ELSE COALESCE(c.currency, excluded.currency) END,
                livemode = CASE WHEN (excluded.last_event_at, excluded.last_event_id) > (c.last_event_at, c.last_event_id) THEN excluded.livemode ELSE c.livemode END,
                last_event_at = CASE WHEN (excluded.last_event_at, excluded.last_event_id) > (c.last_event_at, c.last_event_id) THEN excluded.last_event_at ELSE c.last_event_at END,
                last_event_id = CASE WHEN (excluded.last_event_at, excluded.last_event_id) > (c.last_event_at, c.last_event_id) THEN excluded.last_event_id ELSE c.last_event_id END,
                updated_at = now()
            RETURNING last_event_id = $9
            """);
        command.Parameters.Add(new() { Value = update.CustomerId });
        command.Parameters.Add(Nullable(update.Email, NpgsqlDbType.Text));
        command.Parameters.Add(Nullable(update.Name, NpgsqlDbType.Text));
        command.Parameters.Add(Nullable(update.Plan, NpgsqlDbType.Text));
        command.Parameters.Add(Nullable(update.Amount, NpgsqlDbType.Bigint));
        command.Parameters.Add(Nullable(update.Currency, NpgsqlDbType.Text));
        command.Parameters.Add(new() { Value = update.Livemode });
        command.Parameters.Add(new() { Value = update.EventCreated });
        command.Parameters.Add(new() { Value = update.EventId });

        var applied = await command.ExecuteScalarAsync(cancellationToken) is true;
        await writeAudit.RunAsync(actor, "stripe", Action, update.CustomerId, idempotencyKey,
            applied ? AuditStatus.Succeeded : AuditStatus.Skipped, cancellationToken);
        return applied;
    }

    /// <returns>What a real run would return: <c>false</c> only when a newer event is stored.</returns>
    private async Task<bool> PreviewAsync(CustomerUpdate update, string idempotencyKey, CancellationToken cancellationToken)
    {
        // The same row comparison the upsert makes, so the database's ordering of event ids decides here too.
        await using var command = dataSource.CreateCommand(
            "SELECT (last_event_at, last_event_id) >= ($2, $3), (last_event_at, last_event_id) > ($2, $3) FROM customers WHERE customer_id = $1");
        command.Parameters.Add(new() { Value = update.CustomerId });
        command.Parameters.Add(new() { Value = update.EventCreated });
        command.Parameters.Add(new() { Value = update.EventId });
        bool? holdsEventOrNewer = null;
        var newer = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                holdsEventOrNewer = reader.GetBoolean(0);
                newer = reader.GetBoolean(1);
            }
        }

        preview.Add(PlannedSteps.ForPaymentEvent(update, idempotencyKey, holdsEventOrNewer));
        return !newer;
    }

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) =>
        new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}

/// <summary>What one Stripe event says about a customer; <c>null</c> fields are not carried by the event.</summary>
public sealed record CustomerUpdate(
    string EventId,
    DateTimeOffset EventCreated,
    string CustomerId,
    string? Email,
    string? Name,
    string? Plan,
    long? Amount,
    string? Currency,
    bool Livemode);
