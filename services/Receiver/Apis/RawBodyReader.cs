using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;

namespace Integrations.Receiver.Apis;

/// <summary>
/// Reads a webhook body as raw bytes. It runs before the request is authenticated (the signature is
/// over these bytes), so what it holds follows the bytes that have arrived, never what an anonymous
/// caller announces in <c>Content-Length</c>:
/// <list type="bullet">
/// <item>a body of at most <see cref="ReceiverOptions.LargeBodyBytes"/> (64 KiB) is read into one buffer of its length;</item>
/// <item>a larger one grows in pooled chunks as its bytes arrive, and needs one of
/// <see cref="ReceiverOptions.MaxConcurrentLargeBodies"/> slots: without a free slot it is refused at
/// once (503 with <c>Retry-After</c>, which every provider retries);</item>
/// <item>a large body must keep arriving at <see cref="ReceiverOptions.LargeBodyMinBytesPerSecond"/> after a
/// 5 s grace period (Kestrel's minimum request body data rate), or Kestrel ends the request (408).</item>
/// </list>
/// So sixty slow senders announcing 20 MB each hold a few slots and little memory, not a gigabyte.
/// </summary>
public sealed class RawBodyReader(IOptions<ReceiverOptions> options) : IDisposable
{
    private const int ChunkBytes = 64 * 1024;
    private static readonly TimeSpan s_minRateGracePeriod = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _largeBodies = new(options.Value.MaxConcurrentLargeBodies, options.Value.MaxConcurrentLargeBodies);

    public async Task<RawBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return RawBody.TooLarge;
        }

        // Kestrel's own cap (30 MB by default) would otherwise cut a large source's body short.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + 1;
        }

        var largeBodyBytes = options.Value.LargeBodyBytes;
        if (request.ContentLength is long length && length <= largeBodyBytes)
        {
            // Small and bounded: one exact allocation. Kestrel holds the body to its Content-Length: it
            // cannot run longer, and a shorter one fails the read, so nothing is stored.
            var body = new byte[length];
            return await ReadGuardedAsync(async () =>
            {
                await request.Body.ReadExactlyAsync(body, cancellationToken);
                return RawBody.Of(body);
            });
        }

        var slot = false;
        var chunks = new List<byte[]>();
        try
        {
            return await ReadGuardedAsync(async () =>
            {
                long total = 0;
                while (true)
                {
                    if (total >= largeBodyBytes && !slot)
                    {
                        if (!_largeBodies.Wait(0, CancellationToken.None))
                        {
                            return RawBody.Busy;
                        }

                        slot = true;
                        RequireMinimumDataRate(request.HttpContext);
                    }

                    var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                    chunks.Add(chunk);
                    var filled = 0;
                    int read;
                    while (filled < ChunkBytes && (read = await request.Body.ReadAsync(chunk.AsMemory(filled, ChunkBytes - filled), cancellationToken)) > 0)
                    {
                        filled += read;
                        if (total + filled > maxBytes)
                        {
                            return RawBody.TooLarge;
                        }
                    }

                    total += filled;
                    if (filled < ChunkBytes)
                    {
                        return RawBody.Of(Join(chunks, total));
                    }
                }
            });
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            if (slot)
            {
                _largeBodies.Release();
            }
        }
    }

    public void Dispose() => _largeBodies.Dispose();

    private static byte[] Join(List<byte[]> chunks, long total)
    {
        var body = new byte[total];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            var count = (int)Math.Min(ChunkBytes, total - offset);
            chunk.AsSpan(0, count).CopyTo(body.AsSpan(offset));
            offset += count;
        }

        return body;
    }

    private void RequireMinimumDataRate(HttpContext context)
    {
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            try
            {
                rate.MinDataRate = new MinDataRate(options.Value.LargeBodyMinBytesPerSecond, s_minRateGracePeriod);
            }
            catch (NotSupportedException)
            {
                // HTTP/2 and HTTP/3 set the rate per connection only; Kestrel's default applies there.
            }
        }
    }

    /// <summary>A body that ends early, or arrives too slowly, is refused with Kestrel's status (400, 408).</summary>
    private static async Task<RawBody> ReadGuardedAsync(Func<Task<RawBody>> read)
    {
        try
        {
            return await read();
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex)
        {
            return new RawBody(null, ex.StatusCode);
        }
    }
}

/// <summary>A body as read, or the status that refuses it.</summary>
public sealed record RawBody(byte[]? Bytes, int RefusedWith)
{
    public static readonly RawBody TooLarge = new(null, StatusCodes.Status413PayloadTooLarge);
    public static readonly RawBody Busy = new(null, StatusCodes.Status503ServiceUnavailable);

    public static RawBody Of(byte[] bytes) => new(bytes, 0);
}
