using Integrations.Audit.Chain;
using Integrations.Audit.Client;
using Microsoft.Extensions.Options;

namespace Integrations.Audit;

/// <summary>
/// The chain verification shown on the audit page, reused for <see cref="AuditOptions.PageVerificationMaxAge"/>
/// so that a page refresh or the live tail does not rehash the whole log each time. The API's verify is always fresh.
/// </summary>
public sealed class PageChainStatus(ChainVerifier verifier, IOptions<AuditOptions> options, TimeProvider time)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (AuditVerification Result, DateTimeOffset At)? _last;

    public async Task<(AuditVerification Result, DateTimeOffset At)> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (_last is not { } last || now - last.At > options.Value.PageVerificationMaxAge)
            {
                _last = last = (await verifier.VerifyAsync(cancellationToken), now);
            }

            return last;
        }
        finally
        {
            _gate.Release();
        }
    }
}
