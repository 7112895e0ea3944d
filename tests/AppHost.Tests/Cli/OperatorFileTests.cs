using System.Net.Sockets;

namespace Integrations.AppHost.Tests;

/// <summary>
/// The operator file the AppHost writes at start: the CLI (and so its MCP server) reaches every API
/// with it and nothing else set, and never sends its keys anywhere but the stack that wrote them.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class OperatorFileTests(StackFixture stack)
{
    [Fact]
    public void TheFileHoldsEachApisUrlAndKeyAndOnlyItsOwnerCanReadIt()
    {
        using var file = JsonDocument.Parse(File.ReadAllBytes(stack.OperatorFile));

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(stack.OperatorFile));
        }

        var entries = file.RootElement.EnumerateObject().ToDictionary(e => e.Name, e => (Url: e.Value.GetProperty("url").GetString(), Key: e.Value.GetProperty("key").GetString()));
        Assert.Equal(
            new Dictionary<string, (string?, string?)>
            {
                ["receiver"] = (stack.App.GetEndpoint("receiver", "http").AbsoluteUri, StackFixture.ReceiverAdminKey),
                ["worker"] = (stack.App.GetEndpoint("worker", "http").AbsoluteUri, StackFixture.WorkerAdminKey),
                ["broker"] = (stack.App.GetEndpoint("broker", "http").AbsoluteUri, StackFixture.BrokerApiKey),
                ["audit"] = (stack.App.GetEndpoint("audit", "http").AbsoluteUri, StackFixture.AuditApiKey),
                ["audit-page"] = (new Uri(stack.App.GetEndpoint("audit", "http"), "audit").AbsoluteUri, StackFixture.AuditAdminKey),
            },
            entries);
    }

    [Fact]
    public async Task TheCliReachesEveryApiWithTheFileFoundFromAnyFolderOfTheCheckout()
    {
        // A checkout whose .data holds the file, and a command run two folders below it with nothing set.
        var checkout = Directory.CreateTempSubdirectory("operator-file-");
        try
        {
            Directory.CreateDirectory(Path.Combine(checkout.FullName, ".data"));
            File.Copy(stack.OperatorFile, Path.Combine(checkout.FullName, ".data", "operator.json"));
            var below = Directory.CreateDirectory(Path.Combine(checkout.FullName, "tools", "scripts")).FullName;
            var nothing = new Dictionary<string, string?>();

            var deliveries = await CliRun.InvokeAsync(nothing, ["deliveries", "list", "github", "--json"], currentDirectory: below);
            var deadLetters = await CliRun.InvokeAsync(nothing, ["dlq", "list", "--json"], currentDirectory: below);
            var connections = await CliRun.InvokeAsync(nothing, ["connections", "list", "--json"], currentDirectory: below);
            var audit = await CliRun.InvokeAsync(nothing, ["audit", "query", "--limit", "1", "--json"], currentDirectory: below);
            var elsewhere = await CliRun.InvokeAsync(nothing, ["dlq", "list"], currentDirectory: Path.GetTempPath());

            Assert.All(new[] { deliveries, deadLetters, connections, audit }, run => Assert.True(run.ExitCode == 0, run.Error));
            // Without the file nothing reaches the test stack: the default is the local ports of ./run.sh.
            Assert.NotEqual(0, elsewhere.ExitCode);
        }
        finally
        {
            checkout.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AKeyFromTheFileIsNeverSentToAnotherUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var other = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
        var received = ReceiveOneRequestAsync(listener);

        var run = await CliRun.InvokeAsync(
            new Dictionary<string, string?> { [Integrations.Cli.OperatorFile.Variable] = stack.OperatorFile, ["INTEGRATIONS_WORKER_URL"] = other },
            ["dlq", "list", "--json"]);
        var request = await received.WaitAsync(StackFixture.StepTimeout);

        Assert.StartsWith("GET /api/dead-letters", request, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Api-Key", request, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(StackFixture.WorkerAdminKey, request, StringComparison.Ordinal);
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task AMissingOrMalformedFileIsAClearErrorThatShowsNoKey()
    {
        var malformed = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(malformed, $$$"""{"worker": {"url": "not a url", "key": "{{{StackFixture.WorkerAdminKey}}}"}}""");

            var missing = await CliRun.InvokeAsync(new Dictionary<string, string?> { [Integrations.Cli.OperatorFile.Variable] = "/nonexistent/operator.json" }, ["dlq", "list"]);
            var bad = await CliRun.InvokeAsync(new Dictionary<string, string?> { [Integrations.Cli.OperatorFile.Variable] = malformed }, ["dlq", "list"]);

            Assert.Equal(2, missing.ExitCode);
            Assert.Contains("INTEGRATIONS_OPERATOR_FILE names /nonexistent/operator.json, which does not exist", missing.Error, StringComparison.Ordinal);
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("is not an operator file the AppHost wrote (the entry 'worker' has no http URL or no key)", bad.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(StackFixture.WorkerAdminKey, bad.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(malformed);
        }
    }

    /// <summary>Answers one HTTP request with an empty JSON list and returns its request line and headers.</summary>
    private static async Task<string> ReceiveOneRequestAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (!Encoding.ASCII.GetString(buffer, 0, length).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length));
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]"u8.ToArray());
        return Encoding.ASCII.GetString(buffer, 0, length);
    }
}
