namespace Integrations.Worker.Backfill;

/// <summary>How a source's last gap recovery run ended: <see cref="Error"/> is null when it succeeded.</summary>
public sealed record BackfillRunState(DateTimeOffset At, int Found, int Recovered, string? Error);
