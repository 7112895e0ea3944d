// The hash chain. Every row stores prev_hash (the hash of the row with the next smaller id; 32 zero
// bytes for the first row) and hash = SHA-256 of this canonical encoding, all integers big-endian:
//
//   prev_hash (32 bytes)
//   id        int8
//   ts        int8, microseconds since 1970-01-01T00:00:00Z (PostgreSQL's timestamptz precision)
//   field(actor) field(provider) field(action) field(target) field(idempotency_key) field(status)
//   field(environment) field(trace_id) field(scope) field(details)
//
//   field(x) = int4 length of x's UTF-8 bytes, then those bytes; NULL is int4 -1 and nothing else.
//   details is the JSON text exactly as stored (the column is json, which keeps its text).
//
// Length prefixes make the encoding unambiguous, so no two different rows encode alike. Editing a
// row breaks its own hash; deleting or reordering rows breaks the next row's prev_hash link; an edit
// that also recomputes the row's hash still breaks the link of the row after it. Removing the newest
// rows leaves a shorter, valid chain: keep the verified head (id, hash) elsewhere to catch that.
// Migration 002_audit_chain.sql encodes rows that existed before the chain the same way, in SQL.
using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Integrations.Audit.Chain;

public static class AuditHash
{
    public const int Size = 32;

    public static readonly byte[] Genesis = new byte[Size];

    // One encoding buffer per thread: hashing a batch or verifying a chain allocates nothing per row.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static byte[] Compute(ReadOnlySpan<byte> prevHash, ChainRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (prevHash.Length != Size)
        {
            throw new ArgumentException("prev_hash must be 32 bytes.", nameof(prevHash));
        }

        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        buffer.Write(prevHash);
        WriteInt64(buffer, row.Id);
        WriteInt64(buffer, ToUnixMicroseconds(row.Ts));
        WriteField(buffer, row.Actor);
        WriteField(buffer, row.Provider);
        WriteField(buffer, row.Action);
        WriteField(buffer, row.Target);
        WriteField(buffer, row.IdempotencyKey);
        WriteField(buffer, row.Status);
        WriteField(buffer, row.Environment);
        WriteField(buffer, row.TraceId);
        WriteField(buffer, row.Scope);
        WriteField(buffer, row.Details);
        return SHA256.HashData(buffer.WrittenSpan);
    }

    /// <summary>Truncates to whole microseconds, the precision PostgreSQL stores, so the hashed and stored instants agree.</summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);

    private static long ToUnixMicroseconds(DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void WriteField(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), -1);
            buffer.Advance(4);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var span = buffer.GetSpan(4 + length);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        Encoding.UTF8.GetBytes(value, span[4..]);
        buffer.Advance(4 + length);
    }
}
