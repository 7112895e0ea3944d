namespace Integrations.Worker.Apis;

/// <summary>The answer to an action.</summary>
/// <param name="IdempotencyKey">The key the action ran under; send it again to retry safely.</param>
/// <param name="Status"><c>succeeded</c>, or <c>skipped</c> when the key was already done (nothing was sent again).</param>
/// <param name="Outcome">The provider's id for the effect: a Slack <c>ts</c>, an issue URL, a customer id.</param>
public sealed record ActionResult(string IdempotencyKey, string Status, string Outcome);
