namespace Integrations.Gate.Client;

/// <summary>Stores the outcome of the work behind a key; only the current lease holder may.</summary>
public sealed record CompleteRequest(string Key, string LeaseToken, string Outcome);
