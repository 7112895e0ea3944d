using System.Buffers;

namespace Integrations.Receiver.Apis;

/// <summary>Reads a request body as raw bytes, refusing (returning <c>null</c>) past a byte limit.</summary>
internal static class RawBody
{
    private const int ChunkBytes = 16 * 1024;

    public static async Task<byte[]?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        // Kestrel's own cap (30 MB by default) would otherwise cut a large source's body short.
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + 1;
        }

        if (request.ContentLength is long length)
        {
            // One exact allocation. Kestrel holds the body to its Content-Length: it cannot run
            // longer, and a shorter one fails the read, so the request ends before anything is stored.
            var body = new byte[length];
            await request.Body.ReadExactlyAsync(body, cancellationToken);
            return body;
        }

        // Chunked: the length is known only at the end.
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }
}
