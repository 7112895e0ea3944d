using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Integrations.DataProtection;
using Microsoft.AspNetCore.DataProtection;

namespace Integrations.Services.Tests;

/// <summary>
/// The key ring's key-encryption certificate: refused at start when unusable, and the only thing that
/// opens the ring. Keys go to a temporary directory (the framework's file repository): these tests are
/// about the encryption, not about where keys are stored.
/// </summary>
public sealed class KeyEncryptionTests : IDisposable
{
    private const string Variable = "DataProtection__KeyEncryptionCertificate";
    private readonly DirectoryInfo _keys = Directory.CreateTempSubdirectory("kek-tests-");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    public void AMissingOrUndecodableCertificateIsRefusedNamingTheSetting(string? value)
    {
        var result = new KeyEncryptionOptionsValidator().Validate(null, new KeyEncryptionOptions { KeyEncryptionCertificate = value });

        Assert.True(result.Failed);
        Assert.Contains(Variable, result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("DataProtection:KeyEncryptionCertificate", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateWithoutItsPrivateKeyIsRefusedNamingTheSettingButNotTheValue()
    {
        using var withKey = CreateCertificate();
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);
        var value = Convert.ToBase64String(publicOnly.Export(X509ContentType.Pkcs12));

        var result = new KeyEncryptionOptionsValidator().Validate(null, new KeyEncryptionOptions { KeyEncryptionCertificate = value });

        Assert.True(result.Failed);
        Assert.Contains(Variable, result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("private key", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(value[..32], result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateWithItsPrivateKeyIsAccepted()
    {
        using var certificate = CreateCertificate();

        var result = new KeyEncryptionOptionsValidator().Validate(null, new KeyEncryptionOptions { KeyEncryptionCertificate = Base64(certificate) });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void ARingCreatedUnderOneCertificateOpensWithItButNotWithAnother()
    {
        using var owner = CreateCertificate();
        using var stranger = CreateCertificate();
        var payload = $"token-{Guid.NewGuid():N}";

        var protectedPayload = Protector(Base64(owner)).Protect(payload);

        var stored = string.Concat(_keys.GetFiles("*.xml").Select(f => File.ReadAllText(f.FullName)));
        Assert.Contains("<encryptedSecret", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", stored, StringComparison.Ordinal);
        Assert.Equal(payload, Protector(Base64(owner)).Unprotect(protectedPayload));
        Assert.ThrowsAny<CryptographicException>(() => Protector(Base64(stranger)).Unprotect(protectedPayload));
    }

    public void Dispose() => _keys.Delete(recursive: true);

    /// <summary>A fresh provider, as a new process would build it: nothing cached, the ring read from disk.</summary>
    private IDataProtector Protector(string certificate)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create("DataProtection:KeyEncryptionCertificate", (string?)certificate)])
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddDataProtection()
            .SetApplicationName("Integrations.Tests")
            .PersistKeysToFileSystem(_keys)
            .ProtectKeysWithKeyEncryptionCertificate(configuration);
        return services.BuildServiceProvider().GetDataProtector("Integrations.Tests.v1");
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=kek-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static string Base64(X509Certificate2 certificate) => Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12));
}
