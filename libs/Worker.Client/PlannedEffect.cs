namespace Integrations.Worker.Client;

/// <summary>One step a replay would reach (see <see cref="ReplayPreview"/>).</summary>
/// <param name="Kind"><see cref="Effect"/> (guarded by its idempotency key), <see cref="Read"/> (a provider read, never skipped) or <see cref="Record"/> (a write to the worker's own tables).</param>
/// <param name="Action">The business action, e.g. <c>SendMessage</c>.</param>
/// <param name="Provider">Whom it acts on, e.g. <c>slack</c>.</param>
/// <param name="Target">What it acts on, e.g. the channel or the customer.</param>
/// <param name="IdempotencyKey">The key the replay would use, the same as every earlier run of the delivery.</param>
/// <param name="Exists">Whether the effect already exists: the effect ledger holds its successful outcome (or, for a record, the stored state already holds this event or a newer one).</param>
/// <param name="WouldDo"><see cref="Skip"/>, <see cref="Run"/> or <see cref="Fail"/>.</param>
/// <param name="Outcome">The stored outcome a skipped effect hands to the flow, e.g. a Slack message's <c>ts</c>.</param>
/// <param name="Note">What else an operator should know about this step, if anything.</param>
public sealed record PlannedEffect(
    string Kind,
    string Action,
    string Provider,
    string Target,
    string IdempotencyKey,
    bool Exists,
    string WouldDo,
    string? Outcome = null,
    string? Note = null)
{
    /// <summary>A provider effect at most once per idempotency key.</summary>
    public const string Effect = "effect";

    /// <summary>A provider read: spends the budget and is audited, claims no key, runs on every replay.</summary>
    public const string Read = "read";

    /// <summary>A write to the worker's own tables, e.g. the customer record.</summary>
    public const string Record = "record";

    /// <summary>Already done: the replay skips it and hands its stored outcome to the flow.</summary>
    public const string Skip = "skip";

    /// <summary>Not done yet: the replay performs it.</summary>
    public const string Run = "run";

    /// <summary>Failed permanently before, or its key was used for another request: the replay stops here and dead-letters the delivery.</summary>
    public const string Fail = "fail";
}
