using Npgsql;

namespace Integrations.Testing;

/// <summary>
/// A real AppHost started once on throwaway data and shared by the tests of a collection (the fixture of
/// a <c>[CollectionDefinition]</c> in the test assembly). A subclass says how its stack starts; this
/// class holds the app, opens its databases, and disposes the app, then deletes its data.
/// </summary>
public abstract class SharedStack(string name) : IAsyncLifetime
{
    private DistributedApplication? _app;

    /// <summary>The throwaway data directory the stack runs on, and its resources' console logs.</summary>
    protected ThrowawayStack Stack { get; } = new(name);

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack has not started.");

    /// <summary>Starts the stack's AppHost on <paramref name="stack"/> and waits until what the tests need is healthy.</summary>
    protected abstract Task<DistributedApplication> StartAsync(ThrowawayStack stack);

    public async Task InitializeAsync() => _app = await StartAsync(Stack);

    public async Task<NpgsqlConnection> OpenDatabaseAsync(string database)
    {
        var connectionString = await App.GetConnectionStringAsync(database)
            ?? throw new InvalidOperationException($"No connection string for {database}.");
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> ScalarAsync(string database, string sql, params object[] parameters)
    {
        await using var connection = await OpenDatabaseAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Stack.Dispose();
    }
}
