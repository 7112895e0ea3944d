using Integrations.Worker.Client;
using Integrations.Worker.Connectors;

namespace Integrations.Worker.Replay;

/// <summary>
/// What a replay would do at each kind of step, decided from what is stored, exactly as
/// <see cref="EffectGuard"/> and <see cref="RecordPaymentEvent"/> decide when they run for real.
/// The effect ledger is the source of truth for guarded effects: every effect is recorded there
/// before it is performed and its outcome before the gate hears of it, so a completed entry in the
/// ledger is never missing for a key the gate has completed.
/// </summary>
public static class PlannedSteps
{
    /// <summary>A guarded effect, from its ledger entry (<c>null</c> when no attempt ever started it).</summary>
    public static PlannedEffect ForEffect(Effect effect, LedgerEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(effect);
        PlannedEffect Step(bool exists, string wouldDo, string? outcome = null, string? note = null) =>
            new(PlannedEffect.Effect, effect.Action, effect.Provider, effect.Target, effect.IdempotencyKey, exists, wouldDo, outcome, note);

        if (entry is null)
        {
            return Step(exists: false, PlannedEffect.Run);
        }

        if (entry.Fingerprint != effect.Fingerprint)
        {
            return Step(exists: entry.Succeeded == true, PlannedEffect.Fail,
                note: "The key was first used for a different request: a replay stops here and dead-letters the delivery.");
        }

        return entry.Succeeded switch
        {
            true => Step(exists: true, PlannedEffect.Skip, entry.Outcome ?? ""),
            false => Step(exists: false, PlannedEffect.Fail, entry.Outcome,
                "It failed permanently before, and a replay does not try a failed key again: it stops here and dead-letters the delivery."),
            null => Step(exists: false, PlannedEffect.Run,
                note: "An earlier attempt started it and recorded no outcome: a replay first looks for it at the provider, where a recovery check exists, and acts only if it is not there."),
        };
    }

    /// <summary>A provider read: never skipped, and its result is needed, so the preview cannot go past it.</summary>
    public static PlannedEffect ForRead(Effect read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return new(PlannedEffect.Read, read.Action, read.Provider, read.Target, read.IdempotencyKey, Exists: false, PlannedEffect.Run,
            Note: "A read: a replay performs it again, and the flow needs what it returns.");
    }

    /// <summary>The customer record a payment event updates; <paramref name="holdsEventOrNewer"/> is null when the customer is not stored.</summary>
    public static PlannedEffect ForPaymentEvent(CustomerUpdate update, string idempotencyKey, bool? holdsEventOrNewer)
    {
        ArgumentNullException.ThrowIfNull(update);
        return holdsEventOrNewer == true
            ? new(PlannedEffect.Record, RecordPaymentEvent.Action, "stripe", update.CustomerId, idempotencyKey, Exists: true, PlannedEffect.Skip,
                Note: "The customer record already holds this event or a newer one: applying it again changes nothing.")
            : new(PlannedEffect.Record, RecordPaymentEvent.Action, "stripe", update.CustomerId, idempotencyKey, Exists: false, PlannedEffect.Run);
    }
}
