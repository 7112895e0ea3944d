using Integrations.Receiver;
using Integrations.Receiver.Apis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Integrations.Services.Tests;

/// <summary>
/// The receiver reads bodies before it can authenticate them: memory follows the bytes that arrive,
/// not the <c>Content-Length</c> an anonymous caller announces, and large bodies are bounded in number.
/// </summary>
public sealed class RawBodyReaderTests
{
    private const long TwentyMegabytes = 20 * 1024 * 1024;

    [Fact]
    public async Task ABodyAnnouncingTwentyMegabytesHoldsOnlyWhatArrived()
    {
        using var reader = Reader(slots: 4);
        var context = Request(announced: TwentyMegabytes, new MemoryStream(new byte[100 * 1024]));
        await reader.ReadAsync(context.Request, TwentyMegabytes + 1, CancellationToken.None); // warm the pool and the JIT

        context = Request(announced: TwentyMegabytes, new MemoryStream(new byte[100 * 1024]));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var body = await reader.ReadAsync(context.Request, TwentyMegabytes + 1, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100 * 1024, body.Bytes!.Length);
        Assert.True(allocated < 1024 * 1024, $"reading 100 KiB of a body announced as 20 MiB allocated {allocated:N0} bytes");
    }

    [Fact]
    public async Task LargeBodiesBeyondTheSlotsAreRefusedAtOnceAndTheSlotsComeBack()
    {
        using var reader = Reader(slots: 2);
        var senders = Enumerable.Range(0, 2).Select(_ => new TrickleStream(200 * 1024)).ToList();
        var reads = senders.Select(s => reader.ReadAsync(Request(announced: TwentyMegabytes, s).Request, TwentyMegabytes + 1, CancellationToken.None)).ToList();
        await Task.WhenAll(senders.Select(s => s.Waiting));

        var third = await reader.ReadAsync(Request(announced: TwentyMegabytes, new TrickleStream(200 * 1024)).Request, TwentyMegabytes + 1, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, third.RefusedWith);

        senders.ForEach(s => s.Finish());
        Assert.All(await Task.WhenAll(reads), read => Assert.Equal(200 * 1024, read.Bytes!.Length));
        var afterwards = await reader.ReadAsync(Request(announced: 300 * 1024, new MemoryStream(new byte[300 * 1024])).Request, TwentyMegabytes + 1, CancellationToken.None);
        Assert.Equal(300 * 1024, afterwards.Bytes!.Length);
    }

    [Fact]
    public async Task ALargeBodyMustArriveAtTheMinimumRateAndASmallOneKeepsKestrelsDefault()
    {
        using var reader = Reader(slots: 2);
        var large = Request(announced: 200 * 1024, new MemoryStream(new byte[200 * 1024]));
        var small = Request(announced: 1024, new MemoryStream(new byte[1024]));

        await reader.ReadAsync(large.Request, TwentyMegabytes, CancellationToken.None);
        await reader.ReadAsync(small.Request, TwentyMegabytes, CancellationToken.None);

        Assert.Equal(64 * 1024, large.Features.Get<IHttpMinRequestBodyDataRateFeature>()!.MinDataRate!.BytesPerSecond);
        Assert.Null(small.Features.Get<IHttpMinRequestBodyDataRateFeature>()!.MinDataRate);
    }

    [Fact]
    public async Task ABodyOverTheSourcesLimitIsTooLargeWhetherAnnouncedOrNot()
    {
        using var reader = Reader(slots: 2);
        var announced = await reader.ReadAsync(Request(announced: 2 * 1024 * 1024, new MemoryStream()).Request, 1024 * 1024, CancellationToken.None);
        var chunked = await reader.ReadAsync(Request(announced: null, new MemoryStream(new byte[2 * 1024 * 1024])).Request, 1024 * 1024, CancellationToken.None);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, announced.RefusedWith);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, chunked.RefusedWith);
    }

    private static RawBodyReader Reader(int slots) =>
        new(Options.Create(new ReceiverOptions { MaxConcurrentLargeBodies = slots }));

    private static DefaultHttpContext Request(long? announced, Stream body)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpMinRequestBodyDataRateFeature>(new MinRate());
        context.Request.ContentLength = announced;
        context.Request.Body = body;
        return context;
    }

    private sealed class MinRate : IHttpMinRequestBodyDataRateFeature
    {
        public MinDataRate? MinDataRate { get; set; }
    }

    /// <summary>Gives <c>first</c> bytes, then waits (a slow sender) until <see cref="Finish"/> ends the body.</summary>
    private sealed class TrickleStream(int first) : Stream
    {
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _left = first;

        public Task Waiting => _waiting.Task;

        public void Finish() => _finished.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left > 0)
            {
                var count = Math.Min(_left, buffer.Length);
                _left -= count;
                return count;
            }

            _waiting.TrySetResult();
            await _finished.Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
