namespace Integrations.Sandbox.OAuth;

/// <summary>What the sandbox knows about an account's grants.</summary>
public sealed record AccountState(string Account, int CodeExchanges, int Refreshes, int Revocations, int RejectedRefreshes, IReadOnlyList<string> Tokens);
