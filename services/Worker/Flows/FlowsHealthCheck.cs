using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Integrations.Worker.Flows;

/// <summary>
/// Says which flows are on and which are off, and what each off flow lacks (a variable's name, never
/// a value). A flow being off is configuration, not a fault: the check stays healthy.
/// </summary>
public sealed class FlowsHealthCheck(DeliveryFlowRouter router) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = router.Routes.ToDictionary(
            r => r.Flow.Name,
            r => (object)(r.IsOn ? "on" : $"off: {string.Join(", ", r.Missing)} not set"));
        var off = router.Routes.Where(r => !r.IsOn).Select(r => $"{r.Flow.Name} ({string.Join(", ", r.Missing)} not set)").ToList();
        var description = off.Count == 0 ? "Every flow is on." : $"Off: {string.Join("; ", off)}.";
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
