using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Integrations.DataProtection;

/// <summary>
/// The key-encryption key of the Data Protection key ring, bound from the <c>DataProtection</c> section.
/// </summary>
public sealed class KeyEncryptionOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>The configuration key, as it is named in messages (never with its value).</summary>
    public const string CertificateKey = "DataProtection:KeyEncryptionCertificate (env DataProtection__KeyEncryptionCertificate)";

    /// <summary>
    /// An X.509 certificate with its RSA private key, as base64 PKCS#12 without a password. Required; no default.
    /// Every key of the ring is encrypted to it before it is stored, and decrypted with it when read.
    /// </summary>
    public string? KeyEncryptionCertificate { get; set; }

    /// <summary>
    /// The certificate in <paramref name="base64Pkcs12"/> when it decodes to one with an RSA private key; otherwise
    /// <see langword="null"/>, and <paramref name="problem"/> says what is wrong without quoting the value.
    /// </summary>
    public static X509Certificate2? TryLoad(string? base64Pkcs12, out string problem)
    {
        if (string.IsNullOrWhiteSpace(base64Pkcs12))
        {
            problem = $"{CertificateKey} is required: the key ring's key-encryption certificate (base64 PKCS#12 with its private key).";
            return null;
        }

        var bytes = new byte[base64Pkcs12.Length];
        if (!Convert.TryFromBase64String(base64Pkcs12.Trim(), bytes, out var length))
        {
            problem = $"{CertificateKey} is not base64.";
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12(bytes.AsSpan(0, length), password: null);
        }
        catch (CryptographicException)
        {
            // The loader's message is not passed on: it could describe the content.
            problem = $"{CertificateKey} is not a PKCS#12 certificate without a password.";
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }

        using var privateKey = certificate.GetRSAPrivateKey();
        if (privateKey is null)
        {
            certificate.Dispose();
            problem = $"{CertificateKey} holds no RSA private key; keys encrypted to it could never be decrypted.";
            return null;
        }

        problem = "";
        return certificate;
    }
}
