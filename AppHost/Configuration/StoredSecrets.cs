using System.Security.Cryptography;

namespace Integrations.AppHost;

/// <summary>
/// Secrets that must outlive the AppHost process because what they protect does: a local server's
/// password (its data directory persists), the audit chain key (rows keyed under it must still
/// verify next run) and the key ring's key-encryption certificate (the ring's keys are encrypted to it).
/// Each is generated once and kept beside the data in <c>&lt;data&gt;/secrets/&lt;name&gt;</c>,
/// created readable and writable by the owner only (0600) before a byte is written.
/// </summary>
public static class StoredSecrets
{
    /// <summary>The data directory: <c>Infra:DataDirectory</c>, default <c>.data/</c> at the repository root.</summary>
    public static string DataDirectory(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Path.GetFullPath(builder.Configuration[InfrastructureExtensions.DataDirectoryKey]
            ?? Path.Combine(builder.AppHostDirectory, "..", ".data"));
    }

    /// <summary>The secret stored as <paramref name="name"/>; when there is none, <paramref name="bytes"/> random bytes as lower-case hex, stored first.</summary>
    public static string ReadOrCreate(string dataDirectory, string name, int bytes) =>
        ReadOrCreate(dataDirectory, name, () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes)));

    /// <summary>The secret stored as <paramref name="name"/>; when there is none, the one <paramref name="create"/> returns, stored first.</summary>
    public static string ReadOrCreate(string dataDirectory, string name, Func<string> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        var directory = Path.Combine(dataDirectory, "secrets");
        var path = Path.Combine(directory, name);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(directory);
        var secret = create();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.Write(secret);
        }

        return secret;
    }
}
