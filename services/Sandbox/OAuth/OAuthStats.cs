namespace Integrations.Sandbox.OAuth;

/// <summary>How often an account's grants were exchanged, refreshed and revoked.</summary>
public sealed class OAuthStats
{
    private int _codeExchanges;
    private int _refreshes;
    private int _revocations;

    public int CodeExchanges => Volatile.Read(ref _codeExchanges);

    public int Refreshes => Volatile.Read(ref _refreshes);

    public int Revocations => Volatile.Read(ref _revocations);

    public void CountCodeExchange() => Interlocked.Increment(ref _codeExchanges);

    public void CountRefresh() => Interlocked.Increment(ref _refreshes);

    public void CountRevoke() => Interlocked.Increment(ref _revocations);
}
