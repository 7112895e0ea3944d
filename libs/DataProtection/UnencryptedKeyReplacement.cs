using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Integrations.DataProtection;

/// <summary>
/// Keys written before the ring was encrypted sit in the table as plaintext XML. Data Protection still reads
/// them, so payloads protected under them stay readable, but it would keep protecting new payloads with such a
/// key until the key expires (90 days). At start this service checks the key that is the default now and the
/// key that becomes the default next; when either is stored unencrypted, it creates a key (encrypted to the
/// key-encryption certificate, expiring 90 days after activation) that takes over from it: active now for the
/// default, one second after the pending key's activation for the pending one. From then on new payloads are
/// protected only with encrypted keys.
/// Guarantees and limits: old plaintext keys are never deleted or revoked (that would make their payloads
/// unreadable), so whoever reads the table can still decrypt every payload protected under them until that
/// payload is protected again. Replicas that start together may each add a key; the ring then simply holds
/// one more. A replica that did not restart picks the new key up when its cached ring refreshes (within
/// 24 hours by Data Protection's default).
/// </summary>
internal sealed class UnencryptedKeyReplacement(
    IKeyManager keyManager, IOptions<KeyManagementOptions> keyManagement, ILogger<UnencryptedKeyReplacement> logger) : IHostedService
{
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(90);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var repository = keyManagement.Value.XmlRepository
            ?? throw new InvalidOperationException("The Data Protection key ring has no repository.");
        var unencrypted = UnencryptedKeyIds(repository.GetAllElements());
        if (unencrypted.Count == 0)
        {
            return Task.CompletedTask;
        }

        var now = DateTimeOffset.UtcNow;
        var usable = keyManager.GetAllKeys().Where(k => !k.IsRevoked && k.ExpirationDate > now).ToList();
        if (usable.Where(k => k.ActivationDate <= now).MaxBy(k => k.ActivationDate) is { } current && unencrypted.Contains(current.KeyId))
        {
            Replace(current.KeyId, "the default now", now);
        }

        if (usable.Where(k => k.ActivationDate > now).MaxBy(k => k.ActivationDate) is { } pending && unencrypted.Contains(pending.KeyId))
        {
            Replace(pending.KeyId, "the next default", pending.ActivationDate.AddSeconds(1));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The ids of the <c>key</c> elements whose secret is stored in the clear: an encrypted key carries an
    /// <c>encryptedSecret</c> element in place of its descriptor's <c>masterKey</c> value.
    /// </summary>
    internal static HashSet<Guid> UnencryptedKeyIds(IEnumerable<XElement> elements) =>
        [.. elements
            .Where(e => e.Name.LocalName == "key" && !e.Descendants().Any(d => d.Name.LocalName == "encryptedSecret"))
            .Select(e => Guid.TryParse((string?)e.Attribute("id"), out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty)];

    private void Replace(Guid keyId, string role, DateTimeOffset activation)
    {
        var key = keyManager.CreateNewKey(activation, activation + KeyLifetime);
        DataProtectionLog.ReplacedUnencryptedKey(logger, keyId, role, key.KeyId, activation);
    }
}
