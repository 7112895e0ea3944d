using Integrations.TokenBroker.Client;
using Integrations.TokenBroker.Providers;
using Npgsql;

namespace Integrations.TokenBroker.Connections;

/// <summary>
/// Pending authorizations and connections in PostgreSQL. A <c>state</c> is stored only as its
/// SHA-256 and redeemed with a single <c>DELETE … RETURNING</c>, so it works once and never after
/// its expiry. Tokens are written only through <see cref="TokenProtector"/>.
/// </summary>
public sealed class ConnectionStore(NpgsqlDataSource dataSource, TokenProtector protector)
{
    private const string InfoColumns = "id, provider, account, scopes, status, access_expires_at, created_at, updated_at, refreshed_at";

    public async Task CreateAuthorizationAsync(string stateHash, PendingAuthorization pending, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new("DELETE FROM oauth_authorizations WHERE expires_at < now()"));
        var insert = new NpgsqlBatchCommand(
            "INSERT INTO oauth_authorizations (state_hash, provider, login_hint, scopes, protected_code_verifier, redirect_uri, expires_at, requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        insert.Parameters.Add(new() { Value = stateHash });
        insert.Parameters.Add(new() { Value = pending.Provider });
        insert.Parameters.Add(new() { Value = (object?)pending.LoginHint ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = pending.Scopes.ToArray() });
        insert.Parameters.Add(new() { Value = protector.Protect(pending.CodeVerifier) });
        insert.Parameters.Add(new() { Value = pending.RedirectUri });
        insert.Parameters.Add(new() { Value = expiresAt });
        insert.Parameters.Add(new() { Value = pending.RequestedBy });
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Redeems a state once: null when it is unknown, already used or expired.</summary>
    public async Task<PendingAuthorization?> TakeAuthorizationAsync(string stateHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "DELETE FROM oauth_authorizations WHERE state_hash = $1 RETURNING provider, login_hint, scopes, protected_code_verifier, redirect_uri, expires_at > now(), requested_by");
        command.Parameters.Add(new() { Value = stateHash });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || !reader.GetBoolean(5))
        {
            return null;
        }

        return new PendingAuthorization(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFieldValue<string[]>(2),
            protector.Unprotect(reader.GetString(3)), reader.GetString(4), reader.GetString(6));
    }

    /// <summary>
    /// Stores a new grant; an existing connection of the same account gets the new grant in place.
    /// It is committed only once <paramref name="audit"/> has recorded it.
    /// </summary>
    public async Task<BrokerConnection> SaveConnectionAsync(
        string provider, string account, ProviderTokens tokens, Func<BrokerConnection, CancellationToken, Task> audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO oauth_connections (id, provider, account, scopes, protected_access_token, protected_refresh_token, access_expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (provider, account) DO UPDATE SET scopes = excluded.scopes, protected_access_token = excluded.protected_access_token,
                protected_refresh_token = excluded.protected_refresh_token, access_expires_at = excluded.access_expires_at,
                status = 'active', updated_at = now(), refreshed_at = NULL
            RETURNING {InfoColumns}
            """, connection, transaction);
        command.Parameters.Add(new() { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new() { Value = provider });
        command.Parameters.Add(new() { Value = account });
        command.Parameters.Add(new() { Value = tokens.Scopes.ToArray() });
        command.Parameters.Add(new() { Value = protector.Protect(tokens.AccessToken) });
        command.Parameters.Add(new() { Value = tokens.RefreshToken is null ? DBNull.Value : protector.Protect(tokens.RefreshToken), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = tokens.ExpiresAt });
        BrokerConnection summary;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            summary = ReadInfo(reader);
        }

        await audit(summary, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return summary;
    }

    public async Task<IReadOnlyList<BrokerConnection>> ListAsync(string? provider, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {InfoColumns} FROM oauth_connections WHERE $1::text IS NULL OR provider = $1 ORDER BY created_at");
        command.Parameters.Add(new() { Value = (object?)provider ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<BrokerConnection>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadInfo(reader));
        }

        return list;
    }

    /// <summary>The connection's provider and decrypted tokens, for revocation; null when unknown.</summary>
    public async Task<(string Provider, string AccessToken, string? RefreshToken)?> ReadGrantAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT provider, protected_access_token, protected_refresh_token FROM oauth_connections WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (reader.GetString(0), protector.Unprotect(reader.GetString(1)), reader.IsDBNull(2) ? null : protector.Unprotect(reader.GetString(2)));
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM oauth_connections WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task RecordClientSecretRotationAsync(string provider, string clientId, string actor, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO oauth_client_secret_rotations (provider, client_id, rotated_by) VALUES ($1, $2, $3)");
        command.Parameters.Add(new() { Value = provider });
        command.Parameters.Add(new() { Value = clientId });
        command.Parameters.Add(new() { Value = actor });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static BrokerConnection ReadInfo(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3), reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8));
}
