namespace Integrations.Cli.Contracts;

/// <summary>How many dead letters a redrive queued again.</summary>
public sealed record RedriveResult(int Requeued);
