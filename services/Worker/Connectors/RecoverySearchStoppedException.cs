namespace Integrations.Worker.Connectors;

/// <summary>
/// A provider search for an effect that an earlier attempt may have made (GitHub's issue list,
/// Slack's channel history) was stopped before it could say yes or no: its paging led to another
/// host, back to a page already read, or past the page cap. Nothing is sent again on a guess; the
/// attempt fails and the queue retries it on its schedule. The message names no token or URL query.
/// </summary>
public sealed class RecoverySearchStoppedException(string provider, string reason)
    : Exception($"The {provider} recovery search stopped: {reason}.")
{
    public string Provider { get; } = provider;
}
