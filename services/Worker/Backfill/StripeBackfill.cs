using System.Diagnostics;
using Integrations.DeliveryStorage;
using Integrations.Worker.Client;
using Integrations.Worker.Connectors;
using Integrations.Worker.Stripe;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Integrations.Worker.Backfill;

/// <summary>
/// Stripe's gap recovery. Stripe keeps every event for 30 days and lists it at <c>GET /v1/events</c>; an
/// event read there with the secret key over TLS is as authentic as a signed webhook of it, so each one
/// never stored is stored now, directly, as the receiver would have stored it: the same insert
/// (<see cref="DeliveryRows"/>) with the same dedup, so an event that also arrives live, before or after,
/// is one delivery. It is stored <c>recovered</c>, with one <c>BackfillDelivery</c> audit row, both in one
/// transaction, and the workers are woken at its commit to run its flow like any other delivery's.
/// </summary>
public sealed class StripeBackfill(StripeEventList events, NpgsqlDataSource dataSource, AuditOutbox outbox, IOptions<StripeOptions> stripe, IOptions<BackfillOptions> options, TimeProvider time)
{
    public const string Source = "stripe";
    public const string Method = "stored";

    private static readonly IReadOnlyDictionary<string, string> s_noHeaders = new Dictionary<string, string>();

    public bool IsConfigured => stripe.Value.SecretKey.Length > 0;

    public async Task<BackfillResult> RunAsync(DateTimeOffset since, string actor, CancellationToken cancellationToken)
    {
        var settled = time.GetUtcNow() - options.Value.MinimumAge;
        var listed = (await events.ListSinceAsync(since, options.Value.PageSize, cancellationToken)).Where(e => e.Created <= settled).ToList();
        var stored = await BackfillQueries.StoredAsync(dataSource, Source, [.. listed.Select(e => e.Id)], cancellationToken);
        var missing = listed.Where(e => !stored.Contains(e.Id)).DistinctBy(e => e.Id).ToList();
        if (missing.Count == 0)
        {
            return new BackfillResult(Source, since, listed.Count, [], Method);
        }

        var activity = Activity.Current;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Dictionary<(string Provider, string DeliveryId), long> inserted;
        await using (var insert = new NpgsqlCommand { Connection = connection, Transaction = transaction })
        {
            inserted = await DeliveryRows.InsertAsync(insert,
                [.. missing.Select(e => new NewDelivery(Source, e.Id, e.Type, s_noHeaders, e.Json, activity?.Id, activity?.TraceStateString, Recovered: true))],
                cancellationToken);
        }

        var recovered = missing.Where(e => inserted.ContainsKey((Source, e.Id))).ToList();
        if (recovered.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(AuditOutbox.Insert(recovered.Select(e => BackfillQueries.DeliveryAuditEntry(actor, Source, e.Id, Method,
                new Dictionary<string, object?> { ["eventType"] = e.Type, ["created"] = e.Created }))));
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {DeliveryRows.NotifyChannel}"));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        outbox.Announce();
        return new BackfillResult(Source, since, listed.Count, [.. recovered.Select(e => e.Id)], Method);
    }
}
