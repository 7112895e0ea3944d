namespace Integrations.Testing;

/// <summary>
/// One stack start at a time across every test process of the suite (<c>dotnet test</c> runs the test
/// assemblies side by side). It is an exclusive lock on a file in the temp folder: the operating
/// system releases it when its holder exits, however it exits, so a crashed test run never leaves
/// the next one waiting. Waiting is bounded too, so a start that hangs elsewhere fails here with a
/// message instead of stalling the suite.
/// </summary>
public static class StackStartLock
{
    /// <summary>Longer than the longest start any holder may take (<see cref="StackFixture.StartTimeout"/>) several times over.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(15);

    private static readonly string s_path = Path.Combine(Path.GetTempPath(), "integrations-tests-stack-start.lock");

    public static async Task<IDisposable> AcquireAsync()
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix; a second opener gets an IOException.
                return new FileStream(s_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
            catch (IOException ex)
            {
                throw new TimeoutException($"Another test process held {s_path} (a stack start) for more than {MaxWait.TotalMinutes:F0} min.", ex);
            }
        }
    }
}
