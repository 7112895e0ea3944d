namespace Integrations.Worker.Client;

/// <summary>What every action request carries besides its own arguments.</summary>
public interface IActionRequest
{
    /// <summary>Who asks: a user, a script or an MCP client. Recorded as the audit row's actor.</summary>
    string? Actor { get; }

    /// <summary>
    /// <c>provider:event_id:action</c>, at most 255 characters. Send the same key to retry safely;
    /// without one, each call is a new action.
    /// </summary>
    string? IdempotencyKey { get; }
}
