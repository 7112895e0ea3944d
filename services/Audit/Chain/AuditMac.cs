// The keyed seal on each row. The hash chain (AuditHash) is unkeyed: anyone who can write to the
// database can rewrite a row and recompute every later hash, and the chain still verifies. So each
// row written since the chain key exists also stores
//
//   mac = HMAC-SHA256(chain key, hash ‖ field(caller))
//
// with field() the length-prefixed encoding of AuditHash (NULL = int4 -1). hash covers the row and,
// through prev_hash, every row before it; caller is who authenticated the write. The key lives outside
// the database (Audit:ChainKey, from the AppHost), so a rewrite without the key cannot produce MACs
// that verify: the first rewritten keyed row, or the first keyed row after a rewritten older one, is
// reported. Rows from before the key (mac NULL) are accepted only as the chain's prefix, sealed by the
// first keyed row after them (ChainVerifier). The key is never logged or put in an exception.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Integrations.Audit.Chain;

public sealed class AuditMac
{
    public const int Size = 32;

    private readonly byte[] _key;

    public AuditMac(IOptions<AuditOptions> options)
        : this(Convert.FromHexString((options ?? throw new ArgumentNullException(nameof(options))).Value.ChainKey))
    {
    }

    public AuditMac(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < AuditOptions.MinimumChainKeyBytes)
        {
            throw new ArgumentException($"The chain key must be at least {AuditOptions.MinimumChainKeyBytes} bytes.", nameof(key));
        }

        _key = key;
    }

    public byte[] Compute(ReadOnlySpan<byte> hash, string? caller)
    {
        if (hash.Length != AuditHash.Size)
        {
            throw new ArgumentException("hash must be 32 bytes.", nameof(hash));
        }

        var length = caller is null ? 0 : Encoding.UTF8.GetByteCount(caller);
        var message = new byte[AuditHash.Size + 4 + length];
        hash.CopyTo(message);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(AuditHash.Size), caller is null ? -1 : length);
        if (caller is not null)
        {
            Encoding.UTF8.GetBytes(caller, message.AsSpan(AuditHash.Size + 4));
        }

        return HMACSHA256.HashData(_key, message);
    }

    /// <summary>Whether <paramref name="mac"/> is the MAC of <paramref name="hash"/> and <paramref name="caller"/>, compared in constant time.</summary>
    public bool Verify(ReadOnlySpan<byte> hash, string? caller, ReadOnlySpan<byte> mac) =>
        CryptographicOperations.FixedTimeEquals(Compute(hash, caller), mac);
}
