using Integrations.Receiver.Client;
using System.Collections.Frozen;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Integrations.Receiver.Secrets;

/// <summary>
/// The active signing secrets of each source: those from configuration plus those added at run
/// time through the rotation API. Run-time secrets are stored encrypted (Data Protection) in
/// <c>webhook_secrets</c>; each replica reloads them every <see cref="RefreshInterval"/>, and at once
/// after a change it made itself. Verification reads an immutable snapshot, so a reload never
/// blocks or tears a request. A reload that fails keeps the last good snapshot.
/// </summary>
public sealed class WebhookSecretStore(
    NpgsqlDataSource dataSource,
    IDataProtectionProvider dataProtection,
    IOptionsMonitor<ReceiverOptions> options,
    ILogger<WebhookSecretStore> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private const string Columns = "id, source, added_at, added_by, retired_at, retired_by";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Integrations.Receiver.WebhookSecrets.v1");
    private FrozenDictionary<string, string[]> _added = FrozenDictionary<string, string[]>.Empty;

    /// <summary>Every active secret of a source: configured ones first, then those added by rotation.</summary>
    public IReadOnlyList<string> ActiveSecrets(string source, WebhookSourceOptions configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        return _added.TryGetValue(source, out var added) ? [.. configured.Secrets, .. added] : configured.Secrets;
    }

    public async Task<SecretInfo> AddAsync(string source, string secret, string actor, Func<SecretInfo, CancellationToken, Task> audit, CancellationToken cancellationToken) =>
        await ChangeAsync(
            "INSERT INTO webhook_secrets (source, protected_secret, added_by) VALUES ($1, $2, $3) RETURNING " + Columns,
            [source, _protector.Protect(secret), actor], audit, cancellationToken)
        ?? throw new InvalidOperationException("The insert returned no row.");

    public async Task<bool> RetireAsync(string source, long id, string actor, Func<SecretInfo, CancellationToken, Task> audit, CancellationToken cancellationToken) =>
        await ChangeAsync(
            "UPDATE webhook_secrets SET retired_at = now(), retired_by = $3 WHERE source = $1 AND id = $2 AND retired_at IS NULL RETURNING " + Columns,
            [source, id, actor], audit, cancellationToken) is not null;

    /// <summary>
    /// Runs one change in a transaction that commits only after <paramref name="audit"/> recorded it (it is told which secret changed),
    /// then reloads this replica's snapshot. Returns <c>null</c> (and commits nothing) when no row changed.
    /// </summary>
    private async Task<SecretInfo?> ChangeAsync(string sql, object[] values, Func<SecretInfo, CancellationToken, Task> audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        SecretInfo? changed;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            changed = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }

        if (changed is null)
        {
            return null;
        }

        await audit(changed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
        return changed;
    }

    public async Task<IReadOnlyList<SecretInfo>> ListAsync(string source, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM webhook_secrets WHERE source = $1 ORDER BY id");
        command.Parameters.Add(new() { Value = source });
        var list = new List<SecretInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private static SecretInfo Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetFieldValue<DateTimeOffset>(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? null : reader.GetString(5));

    /// <summary>Loads the rotated secrets before the server takes its first request.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await TryReloadAsync(stoppingToken);
        }
    }

    private async Task TryReloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReloadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            ReceiverLog.SecretReloadFailed(logger, ex);
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT source, protected_secret FROM webhook_secrets WHERE retired_at IS NULL ORDER BY id");
        var added = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var source = reader.GetString(0);
            if (!options.CurrentValue.Sources.ContainsKey(source))
            {
                continue;
            }

            if (!added.TryGetValue(source, out var list))
            {
                added[source] = list = [];
            }

            list.Add(_protector.Unprotect(reader.GetString(1)));
        }

        _added = added.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
    }
}
