using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace Integrations.AppHost;

public static class ApiKeyExtensions
{
    /// <summary>
    /// An API key for service-to-service or operator calls, as a secret parameter. Its value comes
    /// from <c>Parameters:&lt;name&gt;</c> when configured; otherwise a random key is generated for
    /// this run, so no key ever sits in source or in a manifest.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddApiKey(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var key = $"Parameters:{name}";
        if (string.IsNullOrEmpty(builder.Configuration[key]))
        {
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create(key, (string?)Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)))]);
        }

        return builder.AddParameter(name, secret: true);
    }

    /// <summary>
    /// A key that must stay the same from run to run, such as the audit chain key (rows sealed under it must
    /// verify on the next run), as a secret parameter. Its value comes from <c>Parameters:&lt;name&gt;</c> when
    /// configured; otherwise, in run mode, 32 random bytes (64 hex digits) generated once and kept in the data
    /// directory's <c>secrets/</c> folder, owner-only (<see cref="StoredSecrets"/>). In publish mode it is a plain
    /// secret parameter that the deployer supplies.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddStoredKey(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddStoredParameter(name, dataDirectory => StoredSecrets.ReadOrCreate(dataDirectory, name, bytes: 32));

    /// <summary>
    /// A key-encryption certificate that must stay the same from run to run (what is encrypted to it must
    /// decrypt on the next run), as a secret parameter holding base64 PKCS#12 without a password. Its value comes
    /// from <c>Parameters:&lt;name&gt;</c> when configured; otherwise, in run mode, a self-signed certificate with
    /// an RSA 3072-bit key, generated once and kept in the data directory's <c>secrets/</c> folder, owner-only
    /// (<see cref="StoredSecrets"/>). In publish mode it is a plain secret parameter that the deployer supplies
    /// from the platform's secret store.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddStoredCertificate(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddStoredParameter(name, dataDirectory => StoredSecrets.ReadOrCreate(dataDirectory, name, () => CreateKeyEncryptionCertificate(name)));

    /// <summary>
    /// A secret parameter whose value, unless <c>Parameters:&lt;name&gt;</c> is configured, comes in run mode from
    /// <paramref name="readOrCreate"/> (given the data directory); in publish mode the deployer supplies it.
    /// </summary>
    private static IResourceBuilder<ParameterResource> AddStoredParameter(
        this IDistributedApplicationBuilder builder, string name, Func<string, string> readOrCreate)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var key = $"Parameters:{name}";
        if (builder.ExecutionContext.IsRunMode && string.IsNullOrEmpty(builder.Configuration[key]))
        {
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create(key, (string?)readOrCreate(StoredSecrets.DataDirectory(builder)))]);
        }

        return builder.AddParameter(name, secret: true);
    }

    /// <summary>
    /// A self-signed certificate used only to encrypt keys to (key encipherment), as base64 PKCS#12. Nothing
    /// checks its validity period or chain; it lasts 100 years so that it never needs replacing for that reason.
    /// </summary>
    public static string CreateKeyEncryptionCertificate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(100));
        return Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12));
    }
}
