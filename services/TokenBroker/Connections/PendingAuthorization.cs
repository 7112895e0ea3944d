namespace Integrations.TokenBroker.Connections;

/// <summary>
/// An authorization an operator started and the provider has not yet called back: what its
/// <c>state</c> stands for. <see cref="LoginHint"/> only suggests an account to the provider; the
/// account connected is the one the provider reports.
/// </summary>
public sealed record PendingAuthorization(string Provider, string? LoginHint, IReadOnlyList<string> Scopes, string CodeVerifier, string RedirectUri, string RequestedBy)
{
    /// <summary>Keeps the PKCE verifier out of anything that prints the record.</summary>
    public override string ToString() => $"PendingAuthorization {{ Provider = {Provider}, RequestedBy = {RequestedBy} }}";
}
