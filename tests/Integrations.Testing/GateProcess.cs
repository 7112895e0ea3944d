using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Integrations.Testing;

/// <summary>
/// A second gate, run from the same build output as the AppHost's, against a Redis the test chooses:
/// the stack's (a replica) or one the test stops (an outage). It listens on a free loopback port.
/// </summary>
public sealed class GateProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private GateProcess(ChildProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<GateProcess> StartAsync(string redisConnectionString, params string[] settings)
    {
        var configuration = typeof(GateProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var projectDirectory = Path.GetDirectoryName(new Projects.Gate().ProjectPath)!;
        var assembly = Path.Combine(projectDirectory, "bin", configuration, "net10.0", "Gate.dll");
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly },
            WorkingDirectory = projectDirectory,
            Environment =
            {
                ["ConnectionStrings__cache"] = redisConnectionString,
                ["Gate__ApiKey"] = StackFixture.GateApiKey,
                ["ASPNETCORE_URLS"] = baseAddress.ToString(),
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        foreach (var setting in settings)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            start.Environment[setting[..equals]] = setting[(equals + 1)..];
        }

        var process = ChildProcess.Start(start, "the gate");
        var gate = new GateProcess(process, baseAddress);
        using var probe = CreateHttpClient(baseAddress, apiKey: null);
        var deadline = DateTime.UtcNow + StackFixture.StepTimeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var alive = await probe.GetAsync("/alive");
                if (alive.IsSuccessStatusCode)
                {
                    return gate;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        await gate.DisposeAsync();
        throw new TimeoutException($"The gate at {baseAddress} did not come up.");
    }

    /// <summary>An HTTP client with its own connection pool, optionally sending an API key.</summary>
    public static HttpClient CreateHttpClient(Uri baseAddress, string? apiKey = StackFixture.GateApiKey)
    {
        var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add(Microsoft.Extensions.DependencyInjection.ApiKey.HeaderName, apiKey);
        }

        return http;
    }

    public HttpClient CreateHttpClient(string? apiKey = StackFixture.GateApiKey) => CreateHttpClient(BaseAddress, apiKey);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
