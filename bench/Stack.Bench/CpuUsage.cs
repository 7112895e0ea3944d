using System.Globalization;

namespace Integrations.Stack.Bench;

/// <summary>
/// CPU time (user + system, from <c>/proc/&lt;pid&gt;/stat</c>) of every process on the machine,
/// grouped by what it is: each service, PostgreSQL (all backends), Redis, DCP, the dashboard, the
/// <c>dotnet run</c> launchers, this benchmark (which hosts the AppHost), the load generators, and
/// everything this benchmark did not start, apart. The difference of two snapshots, divided by the deliveries processed between
/// them, is the CPU each process group spent per delivery.
/// </summary>
internal static class CpuUsage
{
    private static readonly double s_ticksPerSecond = 100.0; // USER_HZ; 100 on Linux x86_64 and arm64

    /// <param name="resources">The process ids Aspire reports for the stack's resources.</param>
    /// <param name="services">The services' assembly names, as the AppHost's model has them.</param>
    public static Dictionary<string, double> Snapshot(IEnumerable<int> resources, IReadOnlyCollection<string> services)
    {
        // pid -> (parent, CPU seconds, command line), read in one pass; then each process is grouped.
        // Only this stack's processes count as the stack: those this benchmark started (it hosts the
        // AppHost and starts the load generators) and those under the topmost ancestor of each resource
        // (DCP runs detached from the AppHost and starts the resources and the dashboard). Another
        // checkout's stack (a test run beside the benchmark) runs the same binaries and would otherwise
        // be counted as ours.
        var processes = new Dictionary<int, (int Parent, double Seconds, string CommandLine)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText($"{directory}/stat");
                // Fields after the command name (which may hold spaces) start after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                processes[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), ticks / s_ticksPerSecond, File.ReadAllText($"{directory}/cmdline").Replace('\0', ' '));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while it was read.
            }
        }

        HashSet<int> roots = [Environment.ProcessId, .. resources.Select(pid => Root(pid, processes))];
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (pid, process) in processes)
        {
            var group = Under(pid, roots, processes) ? Group(pid, process.CommandLine, services) : OutsideTheStack;
            seconds[group] = seconds.GetValueOrDefault(group) + process.Seconds;
        }

        return seconds;
    }

    /// <summary>The group of every process this benchmark did not start: other work on the machine.</summary>
    public const string OutsideTheStack = "not the stack (other processes)";

    /// <summary>The benchmark's process if <paramref name="pid"/> descends from it, else its topmost ancestor below init.</summary>
    private static int Root(int pid, Dictionary<int, (int Parent, double Seconds, string CommandLine)> processes)
    {
        for (var depth = 0; depth < 64 && pid != Environment.ProcessId && processes.TryGetValue(pid, out var process) && process.Parent > 1; depth++)
        {
            pid = process.Parent;
        }

        return pid;
    }

    private static bool Under(int pid, HashSet<int> roots, Dictionary<int, (int Parent, double Seconds, string CommandLine)> processes)
    {
        for (var depth = 0; depth < 64 && pid > 1; depth++)
        {
            if (roots.Contains(pid))
            {
                return true;
            }

            if (!processes.TryGetValue(pid, out var process))
            {
                return false;
            }

            pid = process.Parent;
        }

        return false;
    }

    public static Dictionary<string, double> Difference(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.ToDictionary(e => e.Key, e => e.Value - before.GetValueOrDefault(e.Key), StringComparer.Ordinal);

    private static string Group(int pid, string commandLine, IReadOnlyCollection<string> services)
    {
        if (pid == Environment.ProcessId)
        {
            return "bench + AppHost";
        }

        foreach (var service in services)
        {
            if (commandLine.Contains($"/bin/Release/net10.0/{service} ", StringComparison.Ordinal)
                || commandLine.Contains($"/bin/Release/net10.0/{service}.dll", StringComparison.Ordinal))
            {
                return service.ToLowerInvariant();
            }
        }

        return commandLine switch
        {
            _ when commandLine.StartsWith("dotnet run ", StringComparison.Ordinal) => "dotnet run (launchers)",
            _ when commandLine.Contains("postgres", StringComparison.Ordinal) && !commandLine.Contains("runuser", StringComparison.Ordinal) => "postgresql",
            _ when commandLine.Contains("redis-server", StringComparison.Ordinal) => "redis",
            _ when commandLine.Contains("Aspire.Dashboard", StringComparison.Ordinal) => "dashboard",
            _ when commandLine.Contains("/dcp ", StringComparison.Ordinal) || commandLine.Contains("dcpctrl", StringComparison.Ordinal) => "dcp",
            _ when commandLine.StartsWith("wrk ", StringComparison.Ordinal) => "load generator (wrk)",
            _ when commandLine.StartsWith("node ", StringComparison.Ordinal) => "node peer",
            _ => "other",
        };
    }

    /// <summary>Prints µs of CPU per processed delivery for each group of the stack that used any, busiest first, then what ran beside it.</summary>
    public static void Print(Dictionary<string, double> used, long deliveries, TimeSpan elapsed)
    {
        var stack = Stack(used);
        var total = stack.Values.Where(v => v > 0).Sum();
        Console.WriteLine($"  CPU over {elapsed.TotalSeconds:F1} s: {total:F1} core-seconds ({total / elapsed.TotalSeconds:F2} cores of {Environment.ProcessorCount}); per delivery ({deliveries:N0}):");
        foreach (var (group, seconds) in stack.Where(e => e.Value >= 0.05).OrderByDescending(e => e.Value))
        {
            Console.WriteLine($"    {group,-24} {seconds * 1e6 / Math.Max(1, deliveries),8:F0} µs  ({seconds / elapsed.TotalSeconds * 100,5:F1} % of one core)");
        }

        Console.WriteLine($"    {"all",-24} {total * 1e6 / Math.Max(1, deliveries),8:F0} µs");
        Beside(used, elapsed);
    }

    /// <summary>Prints each group's share of one core over <paramref name="elapsed"/>, busiest first, then what ran beside the stack.</summary>
    public static void PrintShares(Dictionary<string, double> used, TimeSpan elapsed)
    {
        var stack = Stack(used);
        foreach (var (group, seconds) in stack.Where(e => e.Value >= 0.01).OrderByDescending(e => e.Value))
        {
            Console.WriteLine($"    {group,-24} {seconds / elapsed.TotalSeconds * 100,5:F1} % of one core");
        }

        Console.WriteLine($"    {"all",-24} {stack.Values.Where(v => v > 0).Sum() / elapsed.TotalSeconds * 100,5:F1} % of one core");
        Beside(used, elapsed);
    }

    private static Dictionary<string, double> Stack(Dictionary<string, double> used) =>
        used.Where(e => e.Key != OutsideTheStack).ToDictionary(StringComparer.Ordinal);

    /// <summary>Other work on the machine competed for the same cores: said, so a reader can discount the run.</summary>
    private static void Beside(Dictionary<string, double> used, TimeSpan elapsed) =>
        Console.WriteLine($"    ({OutsideTheStack}: {used.GetValueOrDefault(OutsideTheStack) / elapsed.TotalSeconds * 100:F1} % of one core beside the stack)");
}
