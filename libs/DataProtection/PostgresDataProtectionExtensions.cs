using Integrations.DataProtection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class PostgresDataProtectionExtensions
{
    /// <summary>
    /// ASP.NET Core Data Protection with its key ring in the <c>data_protection_keys</c> table of the
    /// registered <see cref="Npgsql.NpgsqlDataSource"/>, so every replica and restart shares one ring.
    /// Every key is encrypted to the key-encryption certificate (<see cref="KeyEncryptionOptions"/>)
    /// before it is stored, so the database alone does not hold what decrypts the payloads it stores.
    /// Keys rotate by Data Protection's own schedule (90 days by default). The table is created by
    /// the migrator. Data protected for one <paramref name="applicationName"/> cannot be read by another.
    /// </summary>
    public static IDataProtectionBuilder AddPostgresDataProtection(this IHostApplicationBuilder builder, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(applicationName);

        builder.Services.AddSingleton<PostgresXmlRepository>();
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<PostgresXmlRepository>((options, repository) => options.XmlRepository = repository);
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName(applicationName)
            .ProtectKeysWithKeyEncryptionCertificate(builder.Configuration);
        builder.Services.AddHostedService<UnencryptedKeyReplacement>();
        return dataProtection;
    }

    /// <summary>
    /// Encrypts every new key of the ring to the certificate in <c>DataProtection:KeyEncryptionCertificate</c>
    /// and decrypts keys with it; keys stored unencrypted before stay readable. The setting is validated at
    /// start: a missing or unusable certificate stops the service with a message that names the setting.
    /// </summary>
    public static IDataProtectionBuilder ProtectKeysWithKeyEncryptionCertificate(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);

        builder.Services.AddOptions<KeyEncryptionOptions>()
            .BindConfiguration(KeyEncryptionOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KeyEncryptionOptions>, KeyEncryptionOptionsValidator>();

        // Data Protection takes the certificate when it is registered. Given the certificate object, it both
        // encrypts new keys to it and registers it for decrypting (XmlKeyDecryptionOptions), so no certificate
        // store is involved. Without a usable certificate nothing is registered here, and the validation above
        // fails the start before any key is read or written.
        var section = configuration.GetSection(KeyEncryptionOptions.SectionName);
        if (KeyEncryptionOptions.TryLoad(section[nameof(KeyEncryptionOptions.KeyEncryptionCertificate)], out _) is { } certificate)
        {
            builder.ProtectKeysWithCertificate(certificate);
        }

        return builder;
    }
}
