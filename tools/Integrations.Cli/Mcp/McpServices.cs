using Integrations.Audit.Client;
using Integrations.Cli.Http;

namespace Integrations.Cli.Mcp;

/// <summary>The services the MCP tools call, with the keys from the server's own environment; no key ever reaches a tool's input or output.</summary>
public sealed class McpServices(ServiceEndpoint worker, ServiceEndpoint audit) : IDisposable
{
    public ServiceClient Worker { get; } = new(worker);

    public ServiceClient Audit { get; } = new(audit);

    public AuditClient AuditWriter => new(Audit.Http);

    public void Dispose()
    {
        Worker.Dispose();
        Audit.Dispose();
    }
}
