using System.Globalization;

namespace Integrations.Gate.Bench;

/// <summary>Command-line settings: <c>--gate &lt;Gate.dll&gt; [--duration 10] [--concurrency 32] [--batch 100] [--rate 5000] [--warmup 15]</c>.</summary>
internal sealed record BenchSettings(string GateAssembly, TimeSpan Duration, int Concurrency, int Batch, int Rate, TimeSpan WarmUp)
{
    public static BenchSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Int(string name, int fallback) =>
            values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

        return new BenchSettings(
            values.TryGetValue("gate", out var gate) ? Path.GetFullPath(gate) : throw new ArgumentException("--gate <path to Gate.dll> is required."),
            TimeSpan.FromSeconds(Int("duration", 10)),
            Int("concurrency", 32),
            Int("batch", 100),
            Int("rate", 5000),
            TimeSpan.FromSeconds(Int("warmup", 15)));
    }
}
