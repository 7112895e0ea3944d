using Microsoft.Extensions.DependencyInjection;

namespace Integrations.AppHost.Tests;

/// <summary>
/// Each service logs in to PostgreSQL as its own role, with the grants its statements need and no
/// more (docs/architecture.md, "Database roles"). The checks log in with each role's own password,
/// taken from the AppHost's parameters, and run every statement in a transaction that is rolled back.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DatabaseRoleTests(StackFixture stack)
{
    /// <summary>
    /// Service, database it uses, role it must log in as. Written out, not read from the AppHost's model: which role
    /// each service must use is what the test asserts, so it cannot come from the wiring under test.
    /// </summary>
    public static TheoryData<string, string, string> Logins => new()
    {
        { "receiver", "integrationsdb", "integrations_receiver" },
        { "worker", "integrationsdb", "integrations_worker" },
        { "broker", "integrationsdb", "integrations_broker" },
        { StackFixture.BrokerReplica, "integrationsdb", "integrations_broker" },
        { "audit", "auditdb", "audit_service" },
    };

    [Theory]
    [MemberData(nameof(Logins))]
    public async Task EveryServiceConnectsAsItsOwnRole(string service, string database, string role)
    {
        var users = await StackFixture.EventuallyAsync(
            async () =>
            {
                await using var connection = await stack.OpenDatabaseAsync(database);
                await using var command = new NpgsqlCommand(
                    "SELECT DISTINCT usename::text FROM pg_stat_activity WHERE application_name = $1 AND datname = $2", connection)
                {
                    Parameters = { new() { Value = service }, new() { Value = database } },
                };
                var found = new List<string>();
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    found.Add(reader.GetString(0));
                }

                return found.Count > 0 ? found : null;
            },
            $"a connection of {service} to {database}");

        Assert.Equal([role], users);
    }

    [Theory]
    [MemberData(nameof(Logins))]
    public async Task EveryServiceReportsTheRoleItConnectsAs(string service, string database, string role)
    {
        _ = database;
        using var http = stack.App.CreateHttpClient(service);

        var health = await http.GetFromJsonAsync<JsonElement>("/health");

        var check = health.GetProperty("checks").GetProperty("database-login");
        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.Equal(role, check.GetProperty("data").GetProperty("role").GetString());
    }

    /// <summary>Statements each role must be refused: other services' tables, the schema, rows it only reads.</summary>
    public static TheoryData<string, string> Refused => new()
    {
        { "integrations_worker", "SELECT * FROM oauth_connections" },
        { "integrations_worker", "UPDATE webhook_secrets SET retired_by = 'x'" },
        { "integrations_worker", "SELECT * FROM data_protection_keys" },
        { "integrations_worker", "DELETE FROM deliveries" },
        // The worker inserts deliveries since gap recovery (issue 20); it still never deletes a redelivery request.
        { "integrations_worker", "DELETE FROM redelivery_requests" },
        { "integrations_receiver", "INSERT INTO redelivery_requests (provider, delivery_id) VALUES ('p', 'd')" },
        { "integrations_receiver", "SELECT * FROM effects" },
        { "integrations_receiver", "SELECT * FROM oauth_connections" },
        { "integrations_receiver", "SELECT * FROM customers" },
        { "integrations_receiver", "UPDATE deliveries SET state = 'dead'" },
        { "integrations_receiver", "DELETE FROM webhook_secrets" },
        { "integrations_broker", "SELECT * FROM deliveries" },
        { "integrations_broker", "SELECT * FROM webhook_secrets" },
        { "integrations_broker", "SELECT * FROM effects" },
        { "integrations_broker", "DELETE FROM data_protection_keys" },
        { "integrations_receiver", "DROP TABLE deliveries" },
        { "integrations_worker", "ALTER TABLE deliveries ADD COLUMN extra text" },
        { "integrations_broker", "TRUNCATE oauth_connections" },
        { "integrations_worker", "CREATE TABLE extra (id int)" },
        { "integrations_receiver", "SELECT * FROM schema_migrations" },
        { "audit_service", "SELECT * FROM audit_events" },
        { "audit_service", "DROP TABLE audit_events" },
        { "audit_service", "CREATE TABLE extra (id int)" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task ARoleIsRefusedWhatItsServiceDoesNotDo(string role, string sql)
    {
        await using var connection = await OpenAsAsync(role, DatabaseOf(role));
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Theory]
    [InlineData("integrations_receiver", "auditdb")]
    [InlineData("integrations_worker", "auditdb")]
    [InlineData("integrations_broker", "auditdb")]
    [InlineData("audit_service", "integrationsdb")]
    [InlineData("integrations_worker", "postgres")]
    public async Task ARoleCannotConnectToAnotherDatabase(string role, string database)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsAsync(role, database));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Theory]
    [InlineData("integrations_receiver")]
    [InlineData("integrations_worker")]
    [InlineData("integrations_broker")]
    [InlineData("audit_service")]
    public async Task NoServiceRoleIsPrivileged(string role)
    {
        await using var connection = await OpenAsAsync(role, DatabaseOf(role));
        await using var command = new NpgsqlCommand("""
            SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls,
                   EXISTS (SELECT FROM pg_class WHERE relowner = r.oid)
            FROM pg_roles r WHERE rolname = session_user
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.False(reader.GetBoolean(0), $"{role} has an administrative attribute.");
        Assert.False(reader.GetBoolean(1), $"{role} owns a relation.");
    }

    private static string DatabaseOf(string role) => role == "audit_service" ? "auditdb" : "integrationsdb";

    /// <summary>A connection as <paramref name="role"/>, with the password the AppHost gives its service.</summary>
    private async Task<NpgsqlConnection> OpenAsAsync(string role, string database)
    {
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();
        var password = model.Resources.OfType<ParameterResource>().Single(p => p.Name == ServiceLoginExtensions.PasswordParameterName(role));
        var superuser = await stack.App.GetConnectionStringAsync(DatabaseOf(role))
            ?? throw new InvalidOperationException("No connection string.");
        var builder = new NpgsqlConnectionStringBuilder(superuser)
        {
            Username = role,
            Password = await password.GetValueAsync(CancellationToken.None),
            Database = database,
            Pooling = false,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
