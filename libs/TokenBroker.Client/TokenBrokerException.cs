using System.Net;

namespace Integrations.TokenBroker.Client;

/// <summary>
/// The broker refused: 403 scope not granted, 404 unknown connection, 409 the connection needs
/// re-authorization, 503 provider or audit store unavailable. The message is the broker's problem title and detail.
/// </summary>
public sealed class TokenBrokerException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public bool NeedsReauthorization => Status == HttpStatusCode.Conflict;

    public bool ScopeNotGranted => Status == HttpStatusCode.Forbidden;
}
