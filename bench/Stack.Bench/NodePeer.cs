using System.Diagnostics;
using System.Net.Sockets;
using Integrations.Bench.Kit;

namespace Integrations.Stack.Bench;

/// <summary>
/// The seed's Node receiver (<c>bench/peer/github-receiver.mjs</c>: verify and log only), started on
/// a loopback port with the same GitHub secret, its log going to a file as a console would. Stopped
/// on dispose.
/// </summary>
internal sealed class NodePeer : IDisposable
{
    private readonly Process _node;

    private NodePeer(Process node, Uri endpoint)
    {
        _node = node;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<NodePeer> StartAsync(string secret, string logFile, CancellationToken cancellationToken)
    {
        var port = Loopback.FreePort();
        var start = new ProcessStartInfo("bash", ["-c", "exec node bench/peer/github-receiver.mjs \"$1\" >\"$2\" 2>&1", "peer", port.ToString(System.Globalization.CultureInfo.InvariantCulture), logFile])
        {
            UseShellExecute = false,
        };
        start.Environment["GITHUB_WEBHOOK_SECRET"] = secret;
        var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var peer = new NodePeer(node, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, cancellationToken);
                return peer;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !node.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (SocketException ex)
            {
                peer.Dispose();
                throw new InvalidOperationException($"The Node peer did not listen on {port} (see {logFile}).", ex);
            }
        }
    }

    public void Dispose()
    {
        if (!_node.HasExited)
        {
            _node.Kill(entireProcessTree: true);
            _node.WaitForExit(5000);
        }

        _node.Dispose();
    }
}
