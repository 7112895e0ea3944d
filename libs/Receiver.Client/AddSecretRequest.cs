namespace Integrations.Receiver.Client;

/// <summary>A new signing secret and who adds it.</summary>
public sealed record AddSecretRequest(string Secret, string Actor);
