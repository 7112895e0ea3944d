using System.Globalization;

namespace Integrations.Stack.Bench;

/// <summary>Prints per-resource memory (MiB, the whole process tree of each resource), with a total row.</summary>
internal static class MemoryTable
{
    /// <summary>One sample in full: tree RSS, the launcher's share of it, tree PSS, and every process's RSS.</summary>
    public static void PrintDetailed(IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> sample)
    {
        Console.WriteLine($"  {"resource",-10}{"pid",8}{"RSS MiB",10}{"launcher",10}{"PSS MiB",10}  processes (RSS MiB each)");
        foreach (var (resource, memory) in sample)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {resource,-10}{memory.Pid,8}{memory.ResidentMebibytes,10:F1}{memory.LauncherMebibytes,10:F1}{memory.ProportionalMebibytes,10:F1}  {memory.Names}"));
        }

        var rss = sample.Sum(r => r.Memory.ResidentMebibytes);
        var launchers = sample.Sum(r => r.Memory.LauncherMebibytes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"total",-10}{"",8}{rss,10:F1}{launchers,10:F1}{sample.Sum(r => r.Memory.ProportionalMebibytes),10:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  total RSS without the `dotnet run` launchers (the services' own processes, Redis, PostgreSQL): {rss - launchers:F1} MiB"));
    }

    /// <summary>Tree RSS of several samples side by side.</summary>
    public static void Print(IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> first, params (string Header, IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> Sample)[] more)
    {
        var columns = more.Prepend(("RSS MiB", first)).ToList();
        var header = string.Concat(columns.Select(c => $"{c.Item1,18}"));
        Console.WriteLine($"  {"resource",-10}{"pid",8}{header}");
        for (var i = 0; i < first.Count; i++)
        {
            var (resource, memory) = first[i];
            var cells = string.Concat(columns.Select(c => Cell(c.Item2[i].Memory.ResidentMebibytes)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {resource,-10}{memory.Pid,8}{cells}"));
        }

        var totals = string.Concat(columns.Select(c => Cell(c.Item2.Sum(r => r.Memory.ResidentMebibytes))));
        Console.WriteLine($"  {"total",-10}{"",8}{totals}");
    }

    /// <summary>Growth per resource from <paramref name="from"/> to <paramref name="to"/>, as a sample-shaped list (MiB, may be negative).</summary>
    public static IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> Growth(
        IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> from, IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> to) =>
        [.. from.Zip(to, (a, b) => (a.Resource, b.Memory with { ResidentBytes = b.Memory.ResidentBytes - a.Memory.ResidentBytes }))];

    public static double TotalMebibytes(IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> sample) =>
        sample.Sum(r => r.Memory.ResidentMebibytes);

    private static string Cell(double mebibytes) => string.Create(CultureInfo.InvariantCulture, $"{mebibytes,18:F1}");
}
