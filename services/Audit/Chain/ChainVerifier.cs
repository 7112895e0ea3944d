using System.Diagnostics;
using Integrations.Audit.Client;

namespace Integrations.Audit.Chain;

/// <summary>
/// Recomputes the chain over every row in id order (one consistent snapshot: a single query) and stops at
/// the first row whose stored hash differs from its recomputed hash (the row was edited) or whose
/// prev_hash differs from the previous row's hash (a row before it was deleted, inserted or rewritten).
/// </summary>
public sealed class ChainVerifier(AuditStore store, ILogger<ChainVerifier> logger)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        using var activity = Writing.AuditWriter.ActivitySource.StartActivity("Verify audit chain");
        var previous = AuditHash.Genesis;
        long? previousId = null;
        long checkedRows = 0;
        await foreach (var row in store.StreamAsync(new AuditQuery(), ascending: true, limit: null, cancellationToken))
        {
            checkedRows++;
            string? reason = null;
            if (!row.PrevHash.AsSpan().SequenceEqual(previous))
            {
                reason = previousId is { } id
                    ? $"prev_hash does not match the hash of row {id}, the row before it: a row in between was deleted or row {id} was rewritten."
                    : "prev_hash is not the genesis value although this is the oldest row: older rows were deleted.";
            }
            else if (!AuditHash.Compute(row.PrevHash, row).AsSpan().SequenceEqual(row.Hash))
            {
                reason = "hash does not match the row's contents: the row was edited after it was written.";
            }

            if (reason is not null)
            {
                activity?.SetStatus(ActivityStatusCode.Error, reason);
                AuditLog.ChainBroken(logger, row.Id, reason);
                return new AuditVerification(false, checkedRows, row.Id, reason, previousId, previousId is null ? null : Convert.ToHexStringLower(previous));
            }

            previous = row.Hash;
            previousId = row.Id;
        }

        activity?.SetTag("audit.rows", checkedRows);
        return new AuditVerification(true, checkedRows, null, null, previousId, previousId is null ? null : Convert.ToHexStringLower(previous));
    }
}
