using Microsoft.AspNetCore.DataProtection;

namespace Integrations.TokenBroker.Connections;

/// <summary>
/// Encrypts tokens and PKCE verifiers for storage with ASP.NET Core Data Protection. The key ring
/// lives in PostgreSQL and is shared by every replica; rotated keys keep decrypting older rows.
/// </summary>
public sealed class TokenProtector(IDataProtectionProvider dataProtection)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Integrations.TokenBroker.Tokens.v1");

    public string Protect(string value) => _protector.Protect(value);

    public string Unprotect(string value) => _protector.Unprotect(value);
}
