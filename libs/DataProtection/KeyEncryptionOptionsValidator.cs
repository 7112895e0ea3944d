using Microsoft.Extensions.Options;

namespace Integrations.DataProtection;

/// <summary>Fails the start when the key-encryption certificate is missing, undecodable or has no private key.</summary>
public sealed class KeyEncryptionOptionsValidator : IValidateOptions<KeyEncryptionOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyEncryptionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var certificate = KeyEncryptionOptions.TryLoad(options.KeyEncryptionCertificate, out var problem);
        return certificate is null ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
