using Integrations.Audit.Client;
using Integrations.Gate.Client;
using Integrations.Worker.Client;
using Integrations.Worker.Queue;
using Integrations.Worker.Replay;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Runs a connector's effect at most once per idempotency key, within the provider's shared rate
/// budget, and audits every outcome. The protocol, in order:
/// <list type="number">
/// <item><c>begin</c> the key in the gate: <c>completed</c> means the effect already happened, so it is
/// skipped (audited <c>skipped</c>) and its stored outcome returned; <c>in_progress</c> means another
/// worker holds it, so this delivery is retried later; <c>mismatch</c> is a permanent error.</item>
/// <item>Take a rate-limit decision for <c>(provider, connection)</c>: the gate takes it with a granted
/// begin, in the same round trip, and a later one is asked for alone. A short wait is waited out here; a
/// long one defers the delivery without spending an attempt.</item>
/// <item>Record the attempt in the ledger with its <c>started</c> audit row (one statement), perform the
/// effect, report a provider's rate-limit answer to the gate so every worker pauses, then record the
/// outcome in the ledger with its <c>succeeded</c> audit row (one transaction) and <c>complete</c> the
/// key, or <c>fail</c> it, retryable or not (audit <c>failed</c>).</item>
/// </list>
/// Begins, completes and audit rows of the deliveries under way share batched calls (<see cref="GateCalls"/>,
/// <see cref="WriteAudit"/>); each step still waits for its own answer before the next. Audit rows go to
/// the worker's <see cref="AuditOutbox"/> and reach the audit service shortly after (<see cref="AuditShipper"/>).
/// If the gate cannot be reached the effect does not run: never risk a duplicate. A worker that
/// dies between the effect and <c>complete</c> leaves a lease that expires; the next <c>begin</c>
/// says <c>reclaimed</c>, and before acting again the guard runs the connector's recovery check
/// (a recovery point): it asks the provider whether the effect already exists, e.g. an issue whose
/// body carries the key. The check is told to search from when the key was first claimed, less a
/// minute for the provider's clock (null if the gate does not know), as no attempt can have acted before then. Found means completed with that outcome, not repeated. Providers that
/// dedup on the key themselves (Stripe's <c>Idempotency-Key</c>) need no check.
/// <para>
/// The guarantee does not rest on Redis: with every granted begin the guard records the attempt in the
/// durable <see cref="EffectLedger"/> (PostgreSQL) before acting, and records the outcome there before
/// completing the key in the gate. When the gate has no record of a key (Redis lost it, or it expired
/// after 7 days) the ledger still answers: a completed effect is skipped with its stored outcome (and
/// the gate relearns it), and an effect started but never completed runs the recovery check first.
/// </para>
/// <para>
/// In a replay preview (<see cref="ReplayPreviewContext"/>) nothing of this runs: no begin, no budget, no
/// ledger start, no audit row, no provider call. The guard reads the key's ledger entry and plans the step
/// as the real protocol would take it (<see cref="PlannedSteps"/>): a done effect hands the flow its stored
/// outcome, as a replay's skip does; one to run hands it an empty outcome; one that would fail ends the
/// preview where the replay would end. A read ends it too, as the flow needs what only the provider returns.
/// </para>
/// </summary>
public sealed class EffectGuard(
    GateClient gate, GateCalls calls, EffectLedger ledger, WriteAudit audit, ReplayPreviewContext preview, IOptions<QueueOptions> options, ILogger<EffectGuard> logger)
{
    private static readonly TimeSpan s_longestInProcessWait = TimeSpan.FromSeconds(5);

    /// <summary>How far a provider's clock may be behind the gate's (Redis) when a recovery search starts from a gate time.</summary>
    private static readonly TimeSpan s_providerClockSkew = TimeSpan.FromMinutes(1);

    public async Task<EffectResult> RunAsync(
        Effect effect,
        Func<CancellationToken, Task<string>> perform,
        CancellationToken cancellationToken,
        Func<DateTimeOffset?, CancellationToken, Task<string?>>? findExisting = null)
    {
        ArgumentNullException.ThrowIfNull(effect);
        ArgumentNullException.ThrowIfNull(perform);
        if (preview.IsPreview)
        {
            return await PreviewAsync(effect, cancellationToken);
        }

        var claim = await calls.BeginAsync(
            new BeginRequest(effect.IdempotencyKey, effect.Fingerprint, options.Value.EffectLease, new RateLimitRequest(effect.Provider, effect.Connection)),
            cancellationToken);
        switch (claim.Status)
        {
            case IdempotencyStatus.Completed when claim.Succeeded != false:
                await WriteAsync(effect, AuditStatus.Skipped, cancellationToken);
                return new EffectResult(claim.Outcome ?? "", AlreadyDone: true);
            case IdempotencyStatus.Completed:
                throw FailedBefore(effect);
            case IdempotencyStatus.InProgress:
                throw new DeferredFlowException($"Another worker is performing {effect.Action} for this key.", claim.LeaseExpiresAt - DateTimeOffset.UtcNow);
            case IdempotencyStatus.Mismatch:
                throw KeyReused(effect);
        }

        var leaseToken = claim.LeaseToken ?? throw new InvalidOperationException("The gate granted a key without a lease token.");
        var ownsLedgerEntry = false;
        var succeeded = false;
        try
        {
            // After the budget wait, so a delivery deferred for budget leaves no start behind.
            await WaitForBudgetAsync(effect, claim.Budget, cancellationToken);
            // The 'started' row commits with the start, when the attempt goes ahead.
            var entry = await ledger.StartAsync(effect.IdempotencyKey, effect.Fingerprint, Entry(effect, AuditStatus.Started), cancellationToken);
            if (entry.Fingerprint != effect.Fingerprint)
            {
                throw KeyReused(effect);
            }

            ownsLedgerEntry = true;
            if (entry.Succeeded == false)
            {
                throw FailedBefore(effect);
            }

            if (entry.Succeeded == true)
            {
                // Done before, but the gate forgot: it relearns the outcome, and nothing is performed.
                await calls.CompleteAsync(new CompleteRequest(effect.IdempotencyKey, leaseToken, entry.Outcome ?? ""), cancellationToken);
                await WriteAsync(effect, AuditStatus.Skipped, cancellationToken);
                return new EffectResult(entry.Outcome ?? "", AlreadyDone: true);
            }

            // An earlier attempt may have acted: the gate's lease ran out (reclaimed), or the ledger
            // holds a start the gate does not know of. Search from the earliest start either knows.
            var mayHaveActed = claim.Reclaimed || entry.Existed;
            var since = entry.Existed && !(claim.FirstClaimedAt < entry.FirstStartedAt) ? entry.FirstStartedAt : claim.FirstClaimedAt;
            var existing = mayHaveActed && findExisting is not null ? await findExisting(since - s_providerClockSkew, cancellationToken) : null;
            var outcome = existing ?? await perform(cancellationToken);
            // The outcome and its 'succeeded' row commit together, before the gate hears of it.
            await ledger.CompleteAsync(effect.IdempotencyKey, outcome, succeeded: true, Entry(effect, AuditStatus.Succeeded), cancellationToken);
            succeeded = true;
            await calls.CompleteAsync(new CompleteRequest(effect.IdempotencyKey, leaseToken, outcome), cancellationToken);
            return new EffectResult(outcome, AlreadyDone: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var retryable = ex is not PermanentFlowException;
            if (ex is ProviderRateLimitedException limited)
            {
                await gate.ReportAsync(new ProviderResponseReport(effect.Provider, effect.Connection, 429,
                    ((int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture), null, null), CancellationToken.None);
            }

            if (!retryable && ownsLedgerEntry)
            {
                await ledger.CompleteAsync(effect.IdempotencyKey, ex.GetType().Name, succeeded: false, audit: null, CancellationToken.None);
            }

            await gate.FailAsync(new FailRequest(effect.IdempotencyKey, leaseToken, retryable, ex.GetType().Name), CancellationToken.None);
            // An effect whose success is recorded did not fail: only the gate missed its completion,
            // and the next attempt finds the outcome in the ledger.
            if (ex is not DeferredFlowException && !succeeded)
            {
                await WriteAsync(effect, AuditStatus.Failed, CancellationToken.None);
            }

            WorkerLog.EffectFailed(logger, effect.Action, effect.Target, retryable, ex);
            throw;
        }
    }

    /// <summary>
    /// A read (no user-visible effect, so no idempotency key to claim): waits for the rate budget,
    /// performs the call and audits <c>succeeded</c> or <c>failed</c>.
    /// </summary>
    public async Task<T> ReadAsync<T>(Effect read, Func<CancellationToken, Task<T>> perform, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(perform);
        if (preview.IsPreview)
        {
            preview.Add(PlannedSteps.ForRead(read));
            throw new ReplayPreviewStoppedException(
                $"{read.Action} reads from {read.Provider}, and the flow needs what it returns; a preview calls no provider.", complete: false);
        }

        await WaitForBudgetAsync(read, decision: null, cancellationToken);
        try
        {
            var result = await perform(cancellationToken);
            await WriteAsync(read, AuditStatus.Succeeded, cancellationToken);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not DeferredFlowException)
        {
            await WriteAsync(read, AuditStatus.Failed, CancellationToken.None);
            WorkerLog.EffectFailed(logger, read.Action, read.Target, ex is not PermanentFlowException, ex);
            throw;
        }
    }

    /// <summary>The step a replay would take for <paramref name="effect"/>, from the ledger alone; nothing is written or called.</summary>
    private async Task<EffectResult> PreviewAsync(Effect effect, CancellationToken cancellationToken)
    {
        var step = PlannedSteps.ForEffect(effect, await ledger.FindAsync(effect.IdempotencyKey, cancellationToken));
        preview.Add(step);
        return step.WouldDo switch
        {
            PlannedEffect.Skip => new EffectResult(step.Outcome ?? "", AlreadyDone: true),
            PlannedEffect.Run => new EffectResult("", AlreadyDone: false),
            _ => throw new ReplayPreviewStoppedException($"{effect.Action} ({effect.IdempotencyKey}): {step.Note}", complete: true),
        };
    }

    /// <param name="decision">The decision the gate took with the begin, if it could; otherwise one is asked for here.</param>
    private async Task WaitForBudgetAsync(Effect effect, RateLimitDecision? decision, CancellationToken cancellationToken)
    {
        while (true)
        {
            decision ??= await gate.DecideAsync(new RateLimitRequest(effect.Provider, effect.Connection), cancellationToken);
            if (decision.Allowed)
            {
                return;
            }

            if (decision.RetryAfter > s_longestInProcessWait)
            {
                throw new DeferredFlowException($"The {effect.Provider} budget for {effect.Connection} is spent.", decision.RetryAfter);
            }

            await Task.Delay(decision.RetryAfter, cancellationToken);
            decision = null;
        }
    }

    private static PermanentFlowException KeyReused(Effect effect) =>
        new($"The idempotency key of {effect.Action} was already used for a different request.");

    private static PermanentFlowException FailedBefore(Effect effect) =>
        new($"{effect.Action} already failed permanently for this key.");

    private Task WriteAsync(Effect effect, string status, CancellationToken cancellationToken) =>
        audit.RunAsync(effect.Actor, effect.Provider, effect.Action, effect.Target, effect.IdempotencyKey, status, cancellationToken);

    private static AuditEntry Entry(Effect effect, string status) =>
        WriteAudit.Entry(effect.Actor, effect.Provider, effect.Action, effect.Target, effect.IdempotencyKey, status);
}
