using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Integrations.Audit.Chain;

namespace Integrations.Audit.Apis;

/// <summary>
/// Writes audit rows as NDJSON: one JSON object per line, field names as in the API (<c>ts</c>,
/// <c>actor</c>, <c>provider</c>, <c>action</c>, <c>target</c>, <c>idempotencyKey</c>, <c>status</c>,
/// plus <c>id</c>, <c>environment</c>, <c>traceId</c>, <c>scope</c>, <c>details</c>, <c>prevHash</c>,
/// <c>hash</c>, <c>caller</c>, <c>mac</c>; the last two are null on rows written before the chain key). Lines collect in a 64 KB buffer that is written out as it fills, so memory stays flat
/// however many rows stream through.
/// </summary>
public sealed class NdjsonExport : IDisposable
{
    public const string ContentType = "application/x-ndjson";
    private const int FlushThreshold = 60 * 1024;

    private readonly Stream _body;
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly Utf8JsonWriter _json;

    public NdjsonExport(Stream body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _body = body;
        _buffer = new ArrayBufferWriter<byte>(64 * 1024);
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public async ValueTask WriteAsync(ChainRow row, CancellationToken cancellationToken)
    {
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteNumber("id"u8, row.Id);
        _json.WriteString("ts"u8, row.Ts.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        _json.WriteString("actor"u8, row.Actor);
        _json.WriteString("provider"u8, row.Provider);
        _json.WriteString("action"u8, row.Action);
        _json.WriteString("target"u8, row.Target);
        _json.WriteString("idempotencyKey"u8, row.IdempotencyKey);
        _json.WriteString("status"u8, row.Status);
        _json.WriteString("environment"u8, row.Environment);
        _json.WriteString("traceId"u8, row.TraceId);
        _json.WriteString("scope"u8, row.Scope);
        _json.WritePropertyName("details"u8);
        // The column is json, so its text is valid JSON; re-validating every row would double the cost.
        _json.WriteRawValue(row.Details, skipInputValidation: true);
        _json.WriteString("prevHash"u8, Convert.ToHexStringLower(row.PrevHash));
        _json.WriteString("hash"u8, Convert.ToHexStringLower(row.Hash));
        _json.WriteString("caller"u8, row.Caller);
        _json.WriteString("mac"u8, row.Mac is null ? null : Convert.ToHexStringLower(row.Mac));
        _json.WriteEndObject();
        _json.Flush();
        _buffer.Write("\n"u8);

        if (_buffer.WrittenCount >= FlushThreshold)
        {
            await FlushAsync(cancellationToken);
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.WrittenCount > 0)
        {
            await _body.WriteAsync(_buffer.WrittenMemory, cancellationToken);
            _buffer.ResetWrittenCount();
        }
    }

    /// <summary>
    /// Streams <paramref name="rows"/> to <paramref name="response"/> as NDJSON, from the row the enumerator
    /// is on (<paramref name="any"/>: whether there is one). The caller reads the first row before calling,
    /// so a database that is down is answered with a 503 before any header is sent.
    /// </summary>
    public static async Task WriteAllAsync(HttpResponse response, IAsyncEnumerator<ChainRow> rows, bool any, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(rows);
        response.ContentType = ContentType;
        using var export = new NdjsonExport(response.Body);
        if (any)
        {
            do
            {
                await export.WriteAsync(rows.Current, cancellationToken);
            }
            while (await rows.MoveNextAsync());
        }

        await export.FlushAsync(cancellationToken);
    }

    public void Dispose() => _json.Dispose();
}
