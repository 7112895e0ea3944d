using System.Globalization;

namespace Integrations.AppHost.Tests;

[Collection(StackCollection.Name)]
public sealed class StackHealthTests(StackFixture stack)
{
    public static TheoryData<string> Services => [.. StackFixture.Services];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task EveryServiceReportsHealthAndAliveness(string service)
    {
        using var http = stack.App.CreateHttpClient(service);

        using var health = await http.GetAsync("/health");
        using var alive = await http.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", (await health.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    /// <summary>
    /// Each service exports its metrics every 10 s (TELEMETRY_METRIC_EXPORT_SECONDS' default), not
    /// every second as Aspire asks, keeps the first 10 traces it starts each second and one in a hundred
    /// beyond (the run-mode defaults), and runs without dynamic PGO: read from the environment its
    /// process was started with.
    /// </summary>
    [Theory]
    [MemberData(nameof(Services))]
    public void EveryServiceStartsWithTheStacksRunSettings(string service)
    {
        Assert.True(stack.App.ResourceNotifications.TryGetCurrentState(service, out var state));
        var pid = Convert.ToInt32(state!.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, CultureInfo.InvariantCulture);

        var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');

        Assert.Contains($"OTEL_METRIC_EXPORT_INTERVAL={ServiceWiringExtensions.DefaultMetricExportSeconds * 1000}", environment);
        Assert.Contains("DOTNET_TieredPGO=0", environment);
        Assert.Contains("Telemetry__TracesPerSecond=10", environment);
        Assert.Contains("Telemetry__TraceSampleRatio=0.01", environment);
    }

    /// <summary>
    /// Callers reach each service on a socket the service's own process listens on, not through a
    /// DCP proxy: the process that owns the listening socket of the service's endpoint is the service
    /// (or the launcher Aspire reports as its process, whose child it is).
    /// </summary>
    [Theory]
    [MemberData(nameof(Services))]
    public void EveryServiceListensOnItsEndpointItself(string service)
    {
        var port = stack.App.GetEndpoint(service, "http").Port;
        Assert.True(stack.App.ResourceNotifications.TryGetCurrentState(service, out var state));
        var pid = Convert.ToInt32(state!.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, CultureInfo.InvariantCulture);

        var owner = ListeningProcess(port);

        Assert.True(owner is not null, $"Nothing listens on {service}'s port {port}.");
        Assert.Contains(owner.Value, ProcessTree(pid));
    }

    /// <summary>
    /// The services reach Redis and PostgreSQL on a socket the store's own process listens on, not
    /// through a DCP proxy: the process that owns the listening socket of the connection string's port
    /// is the store's (or a child of the script Aspire reports as its process).
    /// </summary>
    [Theory]
    [InlineData("cache")]
    [InlineData("pg")]
    public async Task EachStoreListensOnItsEndpointItself(string store)
    {
        var port = await StorePortAsync(store);
        Assert.True(stack.App.ResourceNotifications.TryGetCurrentState(store, out var state));
        var pid = Convert.ToInt32(state!.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, CultureInfo.InvariantCulture);

        var owner = ListeningProcess(port);

        Assert.True(owner is not null, $"Nothing listens on {store}'s port {port}.");
        Assert.Contains(owner.Value, ProcessTree(pid));
    }

    /// <summary>
    /// A store's port is chosen at start and bound seconds later; one taken from the kernel's ephemeral
    /// range could meanwhile go to any outgoing connection on the machine, and PostgreSQL once failed to
    /// start with "Address already in use". The AppHost draws its ports from below that range.
    /// </summary>
    [Theory]
    [InlineData("cache")]
    [InlineData("pg")]
    public async Task EachStorePortLiesBelowTheKernelsEphemeralRange(string store)
    {
        var port = await StorePortAsync(store);
        var ephemeralStart = int.Parse(
            File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0],
            CultureInfo.InvariantCulture);

        Assert.InRange(port, 1_024, ephemeralStart - 1);
    }

    private async Task<int> StorePortAsync(string store)
    {
        var connectionString = (await stack.App.GetConnectionStringAsync(store))!;
        // Redis: "localhost:<port>,password=…"; PostgreSQL: "Host=localhost;Port=<port>;…".
        return store == "cache"
            ? int.Parse(connectionString.Split(',')[0].Split(':')[1], CultureInfo.InvariantCulture)
            : new NpgsqlConnectionStringBuilder(connectionString).Port;
    }

    /// <summary>The process that owns the TCP socket listening on <paramref name="port"/>, read from /proc.</summary>
    private static int? ListeningProcess(int port)
    {
        // /proc/net/tcp: "sl local_address rem_address st ... inode"; LISTEN is state 0A, the port is hex.
        var inodes = File.ReadLines("/proc/net/tcp").Concat(File.ReadLines("/proc/net/tcp6")).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 9 && f[3] == "0A" && int.Parse(f[1][(f[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
            .Select(f => $"socket:[{f[9]}]")
            .ToHashSet();
        foreach (var process in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries($"/proc/{process}/fd").Any(fd => new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target)))
                {
                    return int.Parse(process!, CultureInfo.InvariantCulture);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was read.
            }
        }

        return null;
    }

    private static HashSet<int> ProcessTree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var stat in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                // "pid (comm) state ppid ...": the command can hold spaces, so read after its closing parenthesis.
                var text = File.ReadAllText(Path.Combine(stat, "stat"));
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                parents[int.Parse(Path.GetFileName(stat), CultureInfo.InvariantCulture)] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        var tree = new HashSet<int> { root };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                grew |= tree.Contains(parent) && tree.Add(pid);
            }
        }
        while (grew);
        return tree;
    }
}
