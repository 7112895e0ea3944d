namespace Integrations.Worker.Backfill;

/// <summary>A provider refused or failed a gap-recovery call. The message names the call and status, never a key.</summary>
public sealed class BackfillProviderException(string source, string message, Exception? innerException = null)
    : Exception($"Backfilling {source} failed: {message}", innerException)
{
    public string Provider { get; } = source;
}
