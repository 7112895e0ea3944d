namespace Integrations.Cli.Contracts;

/// <summary>The worker's answer to an action: the key it ran under, <c>succeeded</c> or <c>skipped</c>, and the provider's id for the effect.</summary>
public sealed record ActionResult(string IdempotencyKey, string Status, string Outcome);
