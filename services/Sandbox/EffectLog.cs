using System.Collections.Concurrent;

namespace Integrations.Sandbox;

/// <summary>The sandbox's record of every effect, in order. It lives as long as the sandbox process, like a provider's own state.</summary>
public sealed class EffectLog(TimeProvider time)
{
    private readonly ConcurrentQueue<Effect> _effects = new();
    private long _sequence;

    public Effect Record(string provider, string kind, string target, string text, string? idempotencyKey, string? traceId)
    {
        var effect = new Effect(Interlocked.Increment(ref _sequence), time.GetUtcNow(), provider, kind, target, text, idempotencyKey, traceId);
        _effects.Enqueue(effect);
        return effect;
    }

    public IReadOnlyList<Effect> List(string? provider, string? kind) =>
        [.. _effects.Where(e => (provider is null || e.Provider == provider) && (kind is null || e.Kind == kind))];
}
