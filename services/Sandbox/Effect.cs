namespace Integrations.Sandbox;

/// <summary>
/// Something a provider did because it was asked to: a message posted, an issue created, a
/// customer charged. Tests read these to assert that an effect happened exactly once.
/// </summary>
public sealed record Effect(
    long Sequence,
    DateTimeOffset At,
    string Provider,
    string Kind,
    string Target,
    string Text,
    string? IdempotencyKey,
    string? TraceId);
