namespace Integrations.Worker.Client;

/// <summary>The worker's answer to an action (<c>POST api/actions/…</c>).</summary>
/// <param name="IdempotencyKey">The key the action ran under; send it again to retry safely.</param>
/// <param name="Status"><c>succeeded</c>, or <c>skipped</c> when the key was already done (nothing was sent again).</param>
/// <param name="Outcome">The provider's id for the effect: a Slack <c>ts</c>, an issue URL, a customer id.</param>
public sealed record ActionResult(string IdempotencyKey, string Status, string Outcome)
{
    /// <summary>What the action produced besides the effect, e.g. the drafted release notes.</summary>
    public string? Details { get; init; }

    /// <summary>For support triage: each row's category and issue.</summary>
    public IReadOnlyList<TriagedRow>? Rows { get; init; }
}
