using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Integrations.Resilience.Tests;

/// <summary>
/// An OTLP/HTTP endpoint that keeps every request body as it arrived. Each service exports to its
/// own path prefix (<c>/{service}/v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>), so a body is
/// attributed to a service and a signal without decoding it. Protobuf carries strings as UTF-8,
/// so a byte search finds any string the service exported.
/// </summary>
public sealed class OtlpCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public OtlpCollector()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public Uri EndpointFor(string service) => new($"http://127.0.0.1:{Port}/{service}");

    /// <summary>Every body received, with the service and the signal (<c>traces</c>, <c>logs</c>, <c>metrics</c>).</summary>
    public ConcurrentQueue<(string Service, string Signal, byte[] Body)> Exports { get; } = new();

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var segments = context.Request.Url!.AbsolutePath.Trim('/').Split('/');
            Exports.Enqueue((segments[0], segments[^1], body.ToArray()));
            // An empty protobuf message is a valid Export*ServiceResponse: everything accepted.
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is HttpListenerException or ObjectDisposedException or IOException))
        {
            // A request cut off by the close; the stack is already stopped and nothing reads the exports any more.
        }
    }
}
