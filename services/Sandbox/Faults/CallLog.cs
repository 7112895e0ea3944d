using System.Collections.Concurrent;
using System.Diagnostics;

namespace Integrations.Sandbox.Faults;

/// <summary>Every provider call the sandbox answered, with its time and status, so tests can check retry timing.</summary>
public sealed class CallLog(TimeProvider time)
{
    private readonly ConcurrentQueue<ProviderCall> _calls = new();

    public void Record(string method, string path, int status, string? idempotencyKey) =>
        _calls.Enqueue(new ProviderCall(time.GetUtcNow(), method, path, status, idempotencyKey, Activity.Current?.TraceId.ToHexString()));

    public IReadOnlyList<ProviderCall> List(string? route, string? traceId) =>
        [.. _calls.Where(c => (route is null || c.Path.StartsWith(route, StringComparison.OrdinalIgnoreCase)) && (traceId is null || c.TraceId == traceId))];
}

/// <summary>One call as the provider saw it; <see cref="TraceId"/> ties it to the delivery that caused it.</summary>
public sealed record ProviderCall(DateTimeOffset At, string Method, string Path, int Status, string? IdempotencyKey, string? TraceId);
