using System.Diagnostics;
using System.Globalization;

namespace Integrations.Cli;

/// <summary>
/// A one-line progress report on standard error for long transfers: rewritten in place at most
/// four times a second on a terminal, and written once at the end otherwise (so logs stay clean).
/// </summary>
public sealed class ProgressLine(TextWriter error, bool terminal, string verb)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastDraw = TimeSpan.MinValue;

    public long Items { get; private set; }

    public long Bytes { get; private set; }

    public void Advance(long items, long bytes)
    {
        Items += items;
        Bytes += bytes;
        if (terminal && _clock.Elapsed - _lastDraw >= Interval)
        {
            _lastDraw = _clock.Elapsed;
            error.Write($"\r{Describe()}   ");
        }
    }

    public void Complete(string where)
    {
        error.WriteLine($"{(terminal ? "\r" : "")}{Describe()} {where}.   ");
    }

    private string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{verb} {Items:N0} rows ({Bytes / 1024.0:N1} KiB, {_clock.Elapsed.TotalSeconds:N1} s)");
}
