namespace Integrations.TokenBroker.Connections;

public enum TokenOutcomeKind
{
    Issued,
    UnknownConnection,
    UnknownAction,
    ScopeNotGranted,
    NeedsReauthorization,
    ProviderUnavailable,
}
