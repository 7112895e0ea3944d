using System.Globalization;

namespace Integrations.Stack.Bench;

/// <summary>
/// Command-line settings: <c>[--rate 1000] [--seconds 60]</c> for the latency run, or
/// <c>--soak &lt;minutes&gt; [--soak-rate 100]</c> for the soak; <c>[--idle 30]</c> seconds of idle
/// before the idle RSS, <c>[--drain-timeout 300]</c> seconds to wait for the last audit row;
/// <c>[--statements yes]</c> profiles PostgreSQL's statements in the throughput phase and in the constant-rate phase (<see cref="StatementProfile"/>).
/// </summary>
internal sealed record BenchSettings(int Rate, TimeSpan Duration, TimeSpan? Soak, int SoakRate, TimeSpan Idle, TimeSpan DrainTimeout, bool Throughput = true, TimeSpan? WarmUp = null, int WarmUpRate = 50, bool Statements = false)
{
    public const string Usage =
        "usage: stack.sh [--rate <deliveries/s> (1000)] [--seconds <s> (60)] [--idle <s> (30)] [--drain-timeout <s> (300)] [--throughput yes|no (yes)] [--warm-up <s> (5)] [--warm-up-rate <deliveries/s> (50)] [--statements yes|no (no)]\n" +
        "       stack.sh --soak <minutes> [--soak-rate <deliveries/s> (100)] [--idle <s> (30)] [--drain-timeout <s> (300)]";

    /// <summary>How often the soak samples every resource's RSS.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(30);

    public int LoadRate => Soak is null ? Rate : SoakRate;

    public TimeSpan LoadDuration => Soak ?? Duration;

    public static BenchSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"'{args[i]}' needs a value.");
            }

            values[args[i][2..]] = args[++i];
        }

        int Positive(string name, int fallback)
        {
            if (!values.Remove(name, out var text))
            {
                return fallback;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new ArgumentException($"--{name} must be a positive whole number, not '{text}'.");
        }

        var soak = values.ContainsKey("soak") ? TimeSpan.FromMinutes(Positive("soak", 0)) : (TimeSpan?)null;
        var settings = new BenchSettings(
            Positive("rate", 1000),
            TimeSpan.FromSeconds(Positive("seconds", 60)),
            soak,
            Positive("soak-rate", 100),
            TimeSpan.FromSeconds(Positive("idle", 30)),
            TimeSpan.FromSeconds(Positive("drain-timeout", 300)),
            !values.Remove("throughput", out var throughput) || throughput != "no",
            TimeSpan.FromSeconds(Positive("warm-up", 5)),
            Positive("warm-up-rate", 50),
            values.Remove("statements", out var statements) && statements == "yes");
        return values.Count == 0 ? settings : throw new ArgumentException($"Unknown option --{values.Keys.First()}.");
    }
}
