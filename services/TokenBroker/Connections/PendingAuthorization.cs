namespace Integrations.TokenBroker.Connections;

/// <summary>An authorization started and not yet called back: what its <c>state</c> stands for.</summary>
public sealed record PendingAuthorization(string Provider, string Account, IReadOnlyList<string> Scopes, string CodeVerifier, string RedirectUri)
{
    /// <summary>Keeps the PKCE verifier out of anything that prints the record.</summary>
    public override string ToString() => $"PendingAuthorization {{ Provider = {Provider}, Account = {Account} }}";
}
