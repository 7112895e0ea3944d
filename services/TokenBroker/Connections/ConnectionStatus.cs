namespace Integrations.TokenBroker.Connections;

public static class ConnectionStatus
{
    public const string Active = "active";

    /// <summary>The provider refused the refresh token; only a new authorization helps.</summary>
    public const string NeedsReauth = "needs_reauth";
}
