namespace Integrations.Sandbox.OAuth;

/// <summary>How often an account's grants were exchanged, refreshed and revoked.</summary>
public sealed class OAuthStats
{
    private int _codeExchanges;
    private int _refreshes;
    private int _revocations;
    private int _failuresToInject;
    private int _rejected;

    public int CodeExchanges => Volatile.Read(ref _codeExchanges);

    public int Refreshes => Volatile.Read(ref _refreshes);

    public int Revocations => Volatile.Read(ref _revocations);

    /// <summary>Refresh calls answered 503 by <see cref="OAuthGrantStore.FailNextRefreshes"/>, unprocessed.</summary>
    public int RejectedRefreshes => Volatile.Read(ref _rejected);

    public void CountCodeExchange() => Interlocked.Increment(ref _codeExchanges);

    public void CountRefresh() => Interlocked.Increment(ref _refreshes);

    public void CountRevoke() => Interlocked.Increment(ref _revocations);

    /// <summary>How long the token endpoint takes to answer a refresh, so concurrent refreshes overlap in tests. Default none.</summary>
    public TimeSpan RefreshDelay { get; set; }

    public void FailNext(int count) => Volatile.Write(ref _failuresToInject, count);

    public bool TryConsumeFailure()
    {
        int left;
        do
        {
            left = Volatile.Read(ref _failuresToInject);
            if (left <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _failuresToInject, left - 1, left) != left);

        Interlocked.Increment(ref _rejected);
        return true;
    }
}
