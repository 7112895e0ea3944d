using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Integrations.Testing;

/// <summary>
/// Keeps the console lines of every resource of a test stack, by resource name, from the moment the
/// app is built: the testing builder forwards each resource's console to a logger whose category ends
/// in <c>.Resources.&lt;resource&gt;</c>. Nothing else is kept.
/// </summary>
public sealed class ResourceLogCapture(ConcurrentDictionary<string, ConcurrentQueue<string>> logs) : ILoggerProvider
{
    private const string ResourcesSegment = ".Resources.";

    public ILogger CreateLogger(string categoryName)
    {
        var at = categoryName.IndexOf(ResourcesSegment, StringComparison.Ordinal);
        return at < 0 ? NoLines.Instance : new Lines(logs.GetOrAdd(categoryName[(at + ResourcesSegment.Length)..], _ => new()));
    }

    public void Dispose()
    {
    }

    private sealed class Lines(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }

    private sealed class NoLines : ILogger
    {
        public static readonly NoLines Instance = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}
