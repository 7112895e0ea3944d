namespace Integrations.AppHost.Tests;

/// <summary>
/// Starts the real AppHost on a throwaway data directory that outlives one start, so a test can
/// stop, kill or restart parts of a stack of its own, or start the stack again on the same data.
/// The directory is deleted on dispose.
/// </summary>
public sealed class ThrowawayStack : IDisposable
{
    private readonly DirectoryInfo _data;

    public ThrowawayStack(string name)
    {
        _data = Directory.CreateTempSubdirectory($"integrations-{name}-");
        if (!OperatingSystem.IsWindows())
        {
            // PostgreSQL runs as the postgres user when tests run as root; it must reach the directory.
            File.SetUnixFileMode(_data.FullName, (UnixFileMode)0b111_101_101);
        }
    }

    public string DataDirectory => _data.FullName;

    /// <summary>Starts the AppHost with <paramref name="args"/> and waits until each of <paramref name="healthy"/> is healthy.</summary>
    public async Task<DistributedApplication> StartAsync(
        IEnumerable<string> args, Action<IDistributedApplicationTestingBuilder>? configure, params string[] healthy)
    {
        using var cts = new CancellationTokenSource(StackFixture.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"Infra:DataDirectory={DataDirectory}", .. args], cts.Token);
        configure?.Invoke(builder);

        var app = await builder.BuildAsync(cts.Token).WaitAsync(StackFixture.StartTimeout, cts.Token);
        await app.StartAsync(cts.Token).WaitAsync(StackFixture.StartTimeout, cts.Token);
        foreach (var resource in healthy)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token).WaitAsync(StackFixture.StartTimeout, cts.Token);
        }

        return app;
    }

    public void Dispose()
    {
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived the app may still hold a file; the OS cleans temp later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
