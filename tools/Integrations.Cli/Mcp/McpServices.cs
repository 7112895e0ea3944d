using Integrations.Audit.Client;
using Integrations.Cli.Http;
using Integrations.Worker.Client;

namespace Integrations.Cli.Mcp;

/// <summary>The services the MCP tools call, with the keys from the server's own environment; no key ever reaches a tool's input or output.</summary>
public sealed class McpServices(ServiceEndpoint worker, ServiceEndpoint audit) : IDisposable
{
    private readonly ServiceClient _worker = new(worker);
    private readonly ServiceClient _audit = new(audit);

    public WorkerClient Worker => new(_worker.Http);

    public AuditClient Audit => new(_audit.Http);

    public void Dispose()
    {
        _worker.Dispose();
        _audit.Dispose();
    }
}
