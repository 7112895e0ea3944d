namespace Integrations.Worker.Client;

/// <summary>How many dead letters a redrive (<c>POST api/dead-letters/redrive</c>) queued again.</summary>
public sealed record RedriveResult(int Requeued);
