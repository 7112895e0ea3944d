using System.Diagnostics;
using System.Net.Sockets;

namespace Integrations.AppHost.Tests;

/// <summary>A throwaway <c>redis-server</c> on a free loopback port, without persistence, that a test can stop.</summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RedisServerProcess(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServerProcess> StartAsync()
    {
        var port = GateProcess.FreePort();
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
        };
        var server = new RedisServerProcess(ChildProcess.Start(start, "redis-server"), port);
        var deadline = DateTime.UtcNow + StackFixture.StepTimeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }
        }

        await server.DisposeAsync();
        throw new TimeoutException($"redis-server did not listen on {port}.");
    }

    public Task StopAsync() => _process.StopAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
