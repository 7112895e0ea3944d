using System.Diagnostics;

namespace Integrations.Testing;

/// <summary>
/// A process a test starts beside the stack (a second gate, a Redis it stops): its output is drained so
/// that a full pipe never blocks it, and it is killed, with any children, when the test stops or disposes it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="start"/> with its output redirected and drained; <paramref name="what"/> names it in an error.</summary>
    public static ChildProcess Start(ProcessStartInfo start, string what)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {what}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process);
    }

    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(StackFixture.StepTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
