// Sealing rows written before the chain key. ChainVerifier accepts rows without a MAC only as a prefix
// that a keyed row after them seals, and refuses a log that has rows but no keyed row at all. So that a
// log upgraded from before the key does not read as broken, the service checks once at start: when rows
// exist and none has a MAC, it appends one row through its normal writer (actor "audit", provider
// "integrations", action "SealChain", target "audit_events", status "succeeded", caller "audit",
// details { unkeyedRows, lastUnkeyedId }). Its hash covers the newest unkeyed row, and so every one
// before it; its MAC needs the key. The check retries until the database answers; the service reports
// unhealthy until it is done. Two replicas starting together may both append a seal: both verify.
// Trust on first use: whatever unkeyed rows the table holds when the service first starts with a key
// are sealed as they are (docs/audit.md, "The chain key").
using System.Diagnostics;
using Integrations.Audit.Client;
using Integrations.Audit.Writing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Integrations.Audit.Chain;

public sealed class AuditChainSeal(NpgsqlDataSource dataSource, AuditWriter writer, TimeProvider time, ILogger<AuditChainSeal> logger)
    : BackgroundService, IHealthCheck
{
    public const string Actor = AuditOptions.ServiceCaller;
    public const string Provider = "integrations";
    public const string Action = "SealChain";
    public const string Target = "audit_events";

    private static readonly TimeSpan s_retryDelay = TimeSpan.FromSeconds(2);

    private volatile bool _done;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using var activity = AuditWriter.ActivitySource.StartActivity("Seal unkeyed audit rows");
            try
            {
                await SealAsync(stoppingToken);
                _done = true;
                return;
            }
            catch (Exception ex) when (Apis.AuditProblems.IsUnavailable(ex) && !stoppingToken.IsCancellationRequested)
            {
                activity?.AddException(ex);
                activity?.SetStatus(ActivityStatusCode.Error);
                AuditLog.DatabaseUnavailable(logger, "chain seal", ex);
            }

            await Task.Delay(s_retryDelay, time, stoppingToken);
        }
    }

    private async Task SealAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT count(*), max(id)
            FROM audit_events
            WHERE NOT EXISTS (SELECT FROM audit_events WHERE mac IS NOT NULL)
            """);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var unkeyed = reader.GetInt64(0);
        if (unkeyed == 0)
        {
            return;
        }

        var lastUnkeyedId = reader.GetInt64(1);
        var details = $$"""{"unkeyedRows":{{unkeyed}},"lastUnkeyedId":{{lastUnkeyedId}}}""";
        var written = await writer.AppendAsync(
            [new NewAuditRow(Actor, Provider, Action, Target, null, AuditStatus.Succeeded, Activity.Current?.TraceId.ToHexString(), null, details, AuditOptions.ServiceCaller)],
            cancellationToken);
        AuditLog.ChainSealed(logger, unkeyed, lastUnkeyedId, written[0].Id);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done
            ? HealthCheckResult.Healthy("Every row is keyed or sealed by a keyed row.")
            : HealthCheckResult.Unhealthy("Rows written before the chain key are not checked or sealed yet."));
}
