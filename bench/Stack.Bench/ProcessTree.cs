using System.Globalization;

namespace Integrations.Stack.Bench;

/// <summary>
/// Resident memory of a process and all its descendants, from <c>/proc</c>: a resource's process
/// may fork (PostgreSQL runs a backend per connection, under <c>runuser</c> when run as root), so
/// the whole tree is summed. RSS counts pages shared between processes once per process, as
/// <c>ps</c> and <c>top</c> do; PSS (from <c>smaps_rollup</c>) splits each shared page between the
/// processes that share it, which matters for PostgreSQL's shared buffers.
/// </summary>
internal static class ProcessTree
{
    private const double Mebibyte = 1024.0 * 1024.0;

    public static ProcessTreeMemory Measure(int root)
    {
        var members = Members(root);
        var processes = new List<(string Name, long Resident)>();
        long resident = 0, proportional = 0, launcher = 0;
        foreach (var process in members)
        {
            if (Kilobytes($"/proc/{process.Pid}/status", "VmRSS:") is not { } rss)
            {
                continue;
            }

            resident += rss * 1024;
            proportional += (Kilobytes($"/proc/{process.Pid}/smaps_rollup", "Pss:") ?? 0) * 1024;
            processes.Add((process.Name, rss * 1024));
            // DCP starts a project as `dotnet run --no-build`, which stays alive as the service's parent.
            if (process.Pid == root && process.Name == "dotnet" && members.Count > 1)
            {
                launcher = rss * 1024;
            }
        }

        var names = processes.GroupBy(p => p.Name).Select(g => g.Count() == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Sum(p => p.Resident) / Mebibyte:F0}")
            : string.Create(CultureInfo.InvariantCulture, $"{g.Key} x{g.Count()} {g.Sum(p => p.Resident) / Mebibyte:F0}"));
        return new ProcessTreeMemory(root, processes.Count, resident, proportional, launcher, string.Join(", ", names));
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

    /// <summary>A "Name:   1234 kB" field of a /proc file; null if the process is gone, 0 if it has no such field (a kernel thread).</summary>
    private static long? Kilobytes(string path, string field)
    {
        if (ReadOrNull(path) is not { } text)
        {
            return null;
        }

        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
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
