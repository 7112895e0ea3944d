// Verification of the whole log, in id order, in one consistent snapshot (a single query). A row breaks
// the chain when
//   * its prev_hash is not the previous row's hash (a row before it was deleted, inserted or rewritten);
//   * its hash is not the hash of its contents (the row was edited);
//   * its MAC does not verify under the chain key (the row, its caller, or a row before it was rewritten
//     and the unkeyed chain recomputed: only the key holder can produce a MAC that verifies);
//   * it has no MAC although an earlier row has one (a MAC was stripped).
// Rows without a MAC are accepted only as a prefix: rows written before the chain key existed. The first
// keyed row seals them, because its hash covers the last of them through prev_hash; so a non-empty log
// without any keyed row is refused as a whole (the audit service appends a seal at start, AuditChainSeal).
// Not seen by the chain alone: the newest rows removed, which leaves a shorter valid chain. Keep the
// verified head (LastId, LastHash) elsewhere to catch that.
using System.Diagnostics;
using Integrations.Audit.Client;

namespace Integrations.Audit.Chain;

public sealed class ChainVerifier(AuditStore store, AuditMac mac, ILogger<ChainVerifier> logger)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        using var activity = Writing.AuditWriter.ActivitySource.StartActivity("Verify audit chain");
        var result = await VerifyAsync(store.StreamAsync(new AuditQuery(), ascending: true, limit: null, cancellationToken), mac, cancellationToken);
        activity?.SetTag("audit.rows", result.Checked);
        if (!result.Ok)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Reason);
            AuditLog.ChainBroken(logger, result.FirstBrokenId ?? 0, result.Reason!);
        }

        return result;
    }

    /// <summary>Checks <paramref name="rows"/>, in id order, against the rules above; stops at the first row that breaks the chain.</summary>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<ChainRow> rows, AuditMac mac, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(mac);
        var previous = AuditHash.Genesis;
        long? previousId = null;
        long? firstId = null;
        long? firstKeyedId = null;
        long checkedRows = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            checkedRows++;
            firstId ??= row.Id;
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
            else if (row.Mac is null && firstKeyedId is { } keyed)
            {
                reason = $"the row has no MAC although row {keyed} before it has one: its MAC was removed.";
            }
            else if (row.Mac is not null && !mac.Verify(row.Hash, row.Caller, row.Mac))
            {
                reason = "the MAC does not verify under the chain key: this row, its caller, or a row before it was rewritten "
                    + "and the hashes recomputed without the key (or the service runs with another chain key).";
            }

            if (reason is not null)
            {
                return new AuditVerification(false, checkedRows, row.Id, reason, previousId, previousId is null ? null : Convert.ToHexStringLower(previous));
            }

            if (row.Mac is not null)
            {
                firstKeyedId ??= row.Id;
            }

            previous = row.Hash;
            previousId = row.Id;
        }

        if (firstId is { } oldest && firstKeyedId is null)
        {
            // Without a keyed row nothing proves the rows were not rewritten, so no part of them counts as intact.
            return new AuditVerification(false, checkedRows, oldest,
                "no row has a MAC, so nothing seals the chain: it may have been rewritten by anyone with database access. "
                + "The audit service seals rows written before the chain key when it starts.", null, null);
        }

        return new AuditVerification(true, checkedRows, null, null, previousId, previousId is null ? null : Convert.ToHexStringLower(previous));
    }
}
