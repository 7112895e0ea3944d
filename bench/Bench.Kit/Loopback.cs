using System.Net;
using System.Net.Sockets;

namespace Integrations.Bench.Kit;

/// <summary>Loopback ports for the processes a benchmark starts.</summary>
public static class Loopback
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago: the operating system picked it.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
