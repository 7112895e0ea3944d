using System.Globalization;

namespace Integrations.Stack.Bench;

/// <summary>
/// Resident memory of a process and all its descendants, from <c>/proc</c>: a resource's process
/// may fork (PostgreSQL runs a backend per connection, under <c>runuser</c> when run as root), so
/// the whole tree is summed. RSS counts pages shared between processes once per process, as
/// <c>ps</c> and <c>top</c> do.
/// </summary>
internal static class ProcessTree
{
    public static ProcessTreeMemory Measure(int root)
    {
        var names = new List<string>();
        long bytes = 0;
        foreach (var process in Members(root))
        {
            if (ResidentBytes(process.Pid) is { } rss)
            {
                bytes += rss;
                names.Add(process.Name);
            }
        }

        return new ProcessTreeMemory(root, names.Count, bytes, string.Join(", ", names.GroupBy(n => n).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} x{g.Count()}")));
    }

    /// <summary>The process <paramref name="root"/> and all its descendants, alive now.</summary>
    public static IReadOnlyList<ProcessIdentity> Members(int root)
    {
        var all = Snapshot();
        var children = all.Values.ToLookup(p => p.Parent);
        var members = new List<ProcessIdentity>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            if (all.TryGetValue(pid, out var process))
            {
                members.Add(process.Identity);
            }

            foreach (var child in children[pid])
            {
                pending.Push(child.Identity.Pid);
            }
        }

        return members;
    }

    /// <summary>
    /// Waits until every one of <paramref name="processes"/> has exited; kills, by pid, the ones
    /// still alive after <paramref name="timeout"/> (the same pid and start time: never a newcomer
    /// that reused the pid) and returns them.
    /// </summary>
    public static async Task<IReadOnlyList<ProcessIdentity>> WaitForExitAsync(IReadOnlyList<ProcessIdentity> processes, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        List<ProcessIdentity> alive;
        do
        {
            var now = Snapshot();
            alive = [.. processes.Where(p => now.TryGetValue(p.Pid, out var current) && current.Identity.StartTime == p.StartTime)];
            if (alive.Count == 0)
            {
                return alive;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        while (DateTime.UtcNow < deadline);

        foreach (var process in alive)
        {
            try
            {
                using var handle = System.Diagnostics.Process.GetProcessById(process.Pid);
                handle.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // It exited meanwhile.
            }
        }

        return alive;
    }

    private static Dictionary<int, (ProcessIdentity Identity, int Parent)> Snapshot()
    {
        var processes = new Dictionary<int, (ProcessIdentity, int)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ReadOrNull($"{directory}/stat") is not { } stat)
            {
                continue;
            }

            // "pid (comm) state ppid ... starttime(22) ...": comm may hold spaces and parentheses, so fields count from the last ')'.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            var identity = new ProcessIdentity(pid, long.Parse(fields[19], CultureInfo.InvariantCulture), stat[(open + 1)..close]);
            processes[pid] = (identity, int.Parse(fields[1], CultureInfo.InvariantCulture));
        }

        return processes;
    }

    private static long? ResidentBytes(int pid)
    {
        if (ReadOrNull($"/proc/{pid}/status") is not { } status)
        {
            return null;
        }

        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process ended between listing and reading.
            return null;
        }
    }
}
