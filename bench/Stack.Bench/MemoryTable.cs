using System.Globalization;

namespace Integrations.Stack.Bench;

/// <summary>Prints per-resource RSS (MiB, the whole process tree) for one or more samples, with a total row.</summary>
internal static class MemoryTable
{
    public static void Print(IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> first, params (string Header, IReadOnlyList<(string Resource, ProcessTreeMemory Memory)> Sample)[] more)
    {
        var columns = more.Prepend(("RSS MiB", first)).ToList();
        var header = string.Concat(columns.Select(c => $"{c.Item1,16}"));
        Console.WriteLine($"  {"resource",-10}{"pid",8}{header}  processes (in the first sample)");
        for (var i = 0; i < first.Count; i++)
        {
            var (resource, memory) = first[i];
            var cells = string.Concat(columns.Select(c => Cell(c.Item2[i].Memory.ResidentMebibytes)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {resource,-10}{memory.Pid,8}{cells}  {memory.Names}"));
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

    private static string Cell(double mebibytes) => string.Create(CultureInfo.InvariantCulture, $"{mebibytes,16:F1}");
}
