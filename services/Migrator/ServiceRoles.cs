using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Integrations.Migrator;

/// <summary>
/// The login roles the services connect as, one per service (docs/architecture.md, "Database roles").
/// After the migrations of a database, under the same advisory lock and in one transaction, the
/// migrator (the superuser, which owns every table) makes each of that database's roles exist with
/// LOGIN and no administrative attribute, sets its password, and applies
/// <c>Grants/&lt;database&gt;.sql</c>, which revokes every table and sequence privilege of the roles and
/// grants back exactly what each service's SQL needs. Running it on every start makes the file the
/// whole truth: a privilege granted by hand is gone after the next run, and a new table is reachable
/// only once the file names it. No default privileges are set, for the same reason.
/// <para>
/// Passwords come from <c>ServiceRoles__&lt;role&gt;__Password</c> (the AppHost's stored secrets) and are
/// checked at start. The migrator never sends a password: it computes the SCRAM-SHA-256 verifier, as
/// <c>psql</c>'s <c>\password</c> does, and passes it as a bind parameter, so neither the password nor
/// the verifier appears in a statement's text, the server's log, a trace attribute or an exception.
/// </para>
/// </summary>
public sealed class ServiceRoles(IConfiguration configuration)
{
    /// <summary>A service's role on one database. <paramref name="Inherit"/> false: it holds nothing until it switches role.</summary>
    public sealed record Role(string Name, string Database, bool Inherit = true);

    public static readonly IReadOnlyList<Role> All =
    [
        new("integrations_receiver", "integrationsdb"),
        new("integrations_worker", "integrationsdb"),
        new("integrations_broker", "integrationsdb"),
        // The audit service switches to audit_writer on every connection (services/Audit/DatabaseRole.cs).
        new("audit_service", "auditdb", Inherit: false),
    ];

    private const int MinimumPasswordLength = 16;

    /// <summary>The environment variable that holds <paramref name="role"/>'s password.</summary>
    public static string PasswordVariable(Role role) => $"ServiceRoles__{role.Name}__Password";

    /// <summary>Fails when a role's password is missing or unusable, naming its environment variable, never its value.</summary>
    public static void Validate(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = All
            .Where(role => !IsUsable(Password(configuration, role)))
            .Select(role => $"{PasswordVariable(role)} must be set to at least {MinimumPasswordLength} printable ASCII characters.")
            .ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems) + " The AppHost passes every service role's password to the migrator.");
        }
    }

    /// <summary>Creates or updates the roles of <paramref name="database"/> and applies its grants, in <paramref name="transaction"/>.</summary>
    public async Task ApplyAsync(string database, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var role in All.Where(r => r.Database == database))
        {
            // Role names come from this file, never from input.
            await Execute($"""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role.Name}') THEN
                        CREATE ROLE {role.Name};
                    END IF;
                END
                $$
                """);
            await Execute($"ALTER ROLE {role.Name} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS {(role.Inherit ? "INHERIT" : "NOINHERIT")}");
            await using (var verifier = new NpgsqlCommand("SELECT set_config('integrations.role_verifier', $1, true)", connection, transaction))
            {
                verifier.Parameters.Add(new() { Value = ScramVerifier(Password(configuration, role)!) });
                await verifier.ExecuteNonQueryAsync(cancellationToken);
            }

            await Execute($"""
                DO $$
                BEGIN
                    EXECUTE format('ALTER ROLE {role.Name} PASSWORD %L', current_setting('integrations.role_verifier'));
                END
                $$
                """);
            await Execute("SELECT set_config('integrations.role_verifier', '', true)");
        }

        await Execute(Grants(database));

        async Task Execute(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The embedded <c>Grants/&lt;database&gt;.sql</c>.</summary>
    internal static string Grants(string database)
    {
        var name = $"Grants/{database}.sql";
        using var stream = typeof(ServiceRoles).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"No grants are embedded for database '{database}' ({name}).");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The SCRAM-SHA-256 verifier PostgreSQL stores for <paramref name="password"/> (RFC 5802, RFC 7677):
    /// <c>SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;</c>, with a fresh salt.
    /// PostgreSQL stores a password given in this form as it is. The password is printable ASCII, which
    /// SASLprep leaves unchanged.
    /// </summary>
    internal static string ScramVerifier(string password)
    {
        const int Iterations = 4096;
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    private static string? Password(IConfiguration configuration, Role role) => configuration[$"ServiceRoles:{role.Name}:Password"];

    private static bool IsUsable(string? password) =>
        password is { Length: >= MinimumPasswordLength } && password.All(c => c is > ' ' and <= '~');
}
