using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Integrations.AppHost;

/// <summary>
/// Ports the AppHost chooses itself: the local stores' and, when ports are randomized, the services'.
/// A port is chosen at start and bound by its process seconds later (PostgreSQL's initdb alone takes
/// several). A port from the kernel's ephemeral range could be handed, in between, to any outgoing
/// connection or any bind to port 0 on the machine, and the store then fails with "Address already in
/// use" (it did, once, in a test run beside a benchmark). So ports are drawn at random from just below
/// the ephemeral range, which the kernel never hands out on its own, and each is checked free on both
/// loopback addresses.
/// </summary>
internal static class LoopbackPorts
{
    private const int Span = 16_384;
    private const int Attempts = 200;

    // IANA's dynamic range, which Windows and macOS use; Linux says its own.
    private const int DefaultEphemeralStart = 49_152;
    private const string LinuxEphemeralRange = "/proc/sys/net/ipv4/ip_local_port_range";

    /// <summary>A loopback port that is free now and that the kernel does not give out by itself.</summary>
    public static int Free()
    {
        var end = EphemeralStart();
        var start = Math.Max(1_024, end - Span);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var port = Random.Shared.Next(start, end);
            if (IsFree(IPAddress.Loopback, port) && (!Socket.OSSupportsIPv6 || IsFree(IPAddress.IPv6Loopback, port)))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port between {start} and {end - 1} after {Attempts} tries.");
    }

    private static int EphemeralStart()
    {
        try
        {
            var first = File.ReadAllText(LinuxEphemeralRange).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            return int.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return DefaultEphemeralStart;
        }
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            // An address the machine lacks (no IPv6 loopback) cannot collide with anything.
            return ex.SocketErrorCode == SocketError.AddressNotAvailable;
        }
    }
}
