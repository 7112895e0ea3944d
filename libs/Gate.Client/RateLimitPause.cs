namespace Integrations.Gate.Client;

/// <summary>The pause now in force on a budget after a report; <see cref="TimeSpan.Zero"/> when none.</summary>
public sealed record RateLimitPause(bool Paused, TimeSpan PausedFor);
