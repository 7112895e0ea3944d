using Integrations.Audit.Client;
using Npgsql;
using NpgsqlTypes;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Records what a Stripe event says about a customer in the internal <c>customers</c> table.
/// Order is never assumed: the upsert applies only when the event is newer than the stored state
/// (by Stripe's <c>created</c>, then by event id for events created in the same second), so a late,
/// older event is skipped and audited as such. Fields the event does not carry keep their values.
/// </summary>
public sealed class RecordPaymentEvent(NpgsqlDataSource dataSource, WriteAudit writeAudit)
{
    public const string Action = nameof(RecordPaymentEvent);

    /// <returns><c>true</c> when the event changed the record; <c>false</c> when newer state was already stored.</returns>
    public async Task<bool> RunAsync(CustomerUpdate update, string idempotencyKey, CancellationToken cancellationToken, string actor = WriteAudit.Actor)
    {
        ArgumentNullException.ThrowIfNull(update);

        await using var command = dataSource.CreateCommand("""
            INSERT INTO customers AS c (customer_id, email, name, plan, amount, currency, livemode, last_event_at, last_event_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (customer_id) DO UPDATE SET
                email = COALESCE(excluded.email, c.email),
                name = COALESCE(excluded.name, c.name),
                plan = COALESCE(excluded.plan, c.plan),
                amount = COALESCE(excluded.amount, c.amount),
                currency = COALESCE(excluded.currency, c.currency),
                livemode = excluded.livemode,
                last_event_at = excluded.last_event_at,
                last_event_id = excluded.last_event_id,
                updated_at = now()
            WHERE (excluded.last_event_at, excluded.last_event_id) > (c.last_event_at, c.last_event_id)
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

        var applied = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await writeAudit.RunAsync(actor, "stripe", Action, update.CustomerId, idempotencyKey,
            applied ? AuditStatus.Succeeded : AuditStatus.Skipped, cancellationToken);
        return applied;
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
