using Integrations.Audit.Client;
using Integrations.TokenBroker.Providers;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Integrations.TokenBroker.Connections;

/// <summary>
/// Hands out access tokens, refreshing them single-flight across all broker replicas.
///
/// Fast path: read the connection without a lock; a token valid for longer than the refresh
/// margin is returned at once. Slow path: first an in-process gate per connection (a striped
/// semaphore), so one replica's concurrent callers queue in memory instead of holding pool
/// connections; then, in a transaction, <c>SELECT … FOR UPDATE</c> on the connection row, which
/// serializes the replicas. Whoever holds the lock re-reads the row: if another caller (on any
/// replica) already refreshed, it returns that fresh token (followers reuse the leader's work);
/// otherwise it calls the provider while holding the lock and writes the new access token and any
/// rotated refresh token, and only after COMMIT returns the token. So each expiry causes exactly
/// one refresh call, and a rotated refresh token is durable before anyone uses its access token.
///
/// The provider call runs with its own timeout, not the caller's cancellation: once sent, a
/// refresh that rotated the refresh token must be stored even if the caller went away. A provider
/// <c>invalid_grant</c> marks the connection <c>needs_reauth</c> and is audited in the same
/// transaction (committed only once audited); later calls get 409 without contacting the
/// provider. Transient failures roll back, leaving the old grant untouched, and answer 503.
/// </summary>
public sealed class AccessTokenIssuer(
    NpgsqlDataSource dataSource,
    TokenProtector protector,
    OAuthProviderClient providers,
    AuditClient audit,
    IOptionsMonitor<BrokerOptions> options,
    TimeProvider time,
    ILogger<AccessTokenIssuer> logger)
{
    private static readonly TimeSpan s_refreshTimeout = TimeSpan.FromSeconds(60);
    private static readonly SemaphoreSlim[] s_stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<TokenOutcome> GetAsync(Guid connectionId, string action, string actor, CancellationToken cancellationToken)
    {
        var broker = options.CurrentValue;
        if (!broker.Actions.TryGetValue(action, out var required))
        {
            return new TokenOutcome(TokenOutcomeKind.UnknownAction);
        }

        var row = await ReadAsync(connectionId, null, null, cancellationToken);
        if (row is null)
        {
            return new TokenOutcome(TokenOutcomeKind.UnknownConnection);
        }

        if (row.Provider != required.Provider || !row.Scopes.Contains(required.Scope, StringComparer.Ordinal))
        {
            // Least privilege: the refusal is audited before it is answered.
            await audit.WriteAsync(new AuditEntry(actor, row.Provider, action, $"connection/{connectionId}", null, AuditStatus.Failed), cancellationToken);
            TokenBrokerLog.ScopeRefused(logger, actor, connectionId, action, required.Scope);
            return new TokenOutcome(TokenOutcomeKind.ScopeNotGranted, Provider: row.Provider, RequiredScope: required.Scope);
        }

        if (row.Status == ConnectionStatus.NeedsReauth)
        {
            return new TokenOutcome(TokenOutcomeKind.NeedsReauthorization, Provider: row.Provider);
        }

        if (IsFresh(row, broker))
        {
            return Issued(row, action);
        }

        var stripe = s_stripes[(connectionId.GetHashCode() & int.MaxValue) % s_stripes.Length];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            return await RefreshSingleFlightAsync(connectionId, action, actor, broker);
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task<TokenOutcome> RefreshSingleFlightAsync(Guid connectionId, string action, string actor, BrokerOptions broker)
    {
        using var timeout = new CancellationTokenSource(s_refreshTimeout);
        var cancellationToken = timeout.Token;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var row = await ReadAsync(connectionId, connection, transaction, cancellationToken);
        if (row is null)
        {
            return new TokenOutcome(TokenOutcomeKind.UnknownConnection);
        }

        if (row.Status == ConnectionStatus.NeedsReauth)
        {
            return new TokenOutcome(TokenOutcomeKind.NeedsReauthorization, Provider: row.Provider);
        }

        if (IsFresh(row, broker))
        {
            // Another caller, on this replica or another, refreshed while we waited for the lock.
            return Issued(row, action);
        }

        if (row.ProtectedRefreshToken is null)
        {
            return await MarkNeedsReauthAsync(row, actor, connection, transaction, cancellationToken);
        }

        ProviderTokens fresh;
        try
        {
            fresh = await providers.RefreshAsync(row.Provider, protector.Unprotect(row.ProtectedRefreshToken), cancellationToken);
        }
        catch (ProviderGrantRefusedException ex) when (ex.Error == "invalid_grant")
        {
            return await MarkNeedsReauthAsync(row, actor, connection, transaction, cancellationToken);
        }
        catch (ProviderGrantRefusedException ex)
        {
            TokenBrokerLog.ProviderUnavailable(logger, row.Provider, ex.Error);
            return new TokenOutcome(TokenOutcomeKind.ProviderUnavailable, Provider: row.Provider);
        }
        catch (ProviderUnavailableException ex)
        {
            TokenBrokerLog.ProviderUnavailable(logger, row.Provider, ex.InnerException?.GetType().Name ?? "server error");
            return new TokenOutcome(TokenOutcomeKind.ProviderUnavailable, Provider: row.Provider);
        }

        await using (var update = new NpgsqlCommand(
            """
            UPDATE oauth_connections SET protected_access_token = $2, protected_refresh_token = COALESCE($3, protected_refresh_token),
                access_expires_at = $4, scopes = CASE WHEN cardinality($5::text[]) > 0 THEN $5 ELSE scopes END, refreshed_at = now(), updated_at = now()
            WHERE id = $1
            """, connection, transaction))
        {
            update.Parameters.Add(new() { Value = connectionId });
            update.Parameters.Add(new() { Value = protector.Protect(fresh.AccessToken) });
            update.Parameters.Add(new() { Value = fresh.RefreshToken is null ? DBNull.Value : protector.Protect(fresh.RefreshToken), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            update.Parameters.Add(new() { Value = fresh.ExpiresAt });
            update.Parameters.Add(new() { Value = fresh.Scopes.ToArray() });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        TokenBrokerLog.Refreshed(logger, connectionId, fresh.RefreshToken is not null);
        return new TokenOutcome(TokenOutcomeKind.Issued, new BrokeredAccessToken(connectionId, action, fresh.AccessToken, "Bearer", fresh.ExpiresAt));
    }

    private async Task<TokenOutcome> MarkNeedsReauthAsync(ConnectionRow row, string actor, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var mark = new NpgsqlCommand("UPDATE oauth_connections SET status = 'needs_reauth', updated_at = now() WHERE id = $1", connection, transaction))
        {
            mark.Parameters.Add(new() { Value = row.Id });
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await audit.WriteAsync(new AuditEntry(actor, row.Provider, "RefreshAccessToken", $"connection/{row.Id}", null, AuditStatus.Failed), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        TokenBrokerLog.NeedsReauthorization(logger, row.Id);
        return new TokenOutcome(TokenOutcomeKind.NeedsReauthorization, Provider: row.Provider);
    }

    private bool IsFresh(ConnectionRow row, BrokerOptions broker) => row.AccessExpiresAt - time.GetUtcNow() > broker.RefreshMargin;

    private TokenOutcome Issued(ConnectionRow row, string action) =>
        new(TokenOutcomeKind.Issued, new BrokeredAccessToken(row.Id, action, protector.Unprotect(row.ProtectedAccessToken), "Bearer", row.AccessExpiresAt));

    /// <summary>Reads the connection; inside a transaction it takes the row lock, waiting for whoever holds it.</summary>
    private async Task<ConnectionRow?> ReadAsync(Guid id, NpgsqlConnection? connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        const string Sql = "SELECT id, provider, scopes, status, protected_access_token, protected_refresh_token, access_expires_at FROM oauth_connections WHERE id = $1";
        await using var command = connection is null ? dataSource.CreateCommand(Sql) : new NpgsqlCommand(Sql + " FOR UPDATE", connection, transaction);
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new ConnectionRow(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetString(3), reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6));
    }

    private sealed record ConnectionRow(Guid Id, string Provider, string[] Scopes, string Status, string ProtectedAccessToken, string? ProtectedRefreshToken, DateTimeOffset AccessExpiresAt);
}
