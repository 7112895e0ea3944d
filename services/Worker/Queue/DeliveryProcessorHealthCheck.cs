using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Queue;

/// <summary>Unhealthy when the processing loop has not come round for a few poll intervals.</summary>
public sealed class DeliveryProcessorHealthCheck(DeliveryProcessor processor, IOptions<QueueOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var silence = DateTimeOffset.UtcNow - processor.LastHeartbeat;
        var allowed = options.Value.PollInterval * 10 + options.Value.Lease;
        return Task.FromResult(silence <= allowed && processor.LastError is null
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The delivery loop has not made progress for {silence.TotalSeconds:F0} s.", processor.LastError));
    }
}
