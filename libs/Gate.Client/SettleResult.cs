namespace Integrations.Gate.Client;

/// <summary>The state a key is left in by <c>complete</c> or <c>fail</c>: <c>completed</c>, <c>failed</c> or <c>released</c>.</summary>
public sealed record SettleResult(string Status);
