namespace Integrations.Stack.Bench;

/// <summary>
/// The memory of a process tree rooted at <see cref="Pid"/>: summed RSS and PSS, the RSS of the
/// <c>dotnet run</c> launcher DCP leaves as a project's parent (0 for other resources), and each
/// process name with its RSS in MiB.
/// </summary>
internal sealed record ProcessTreeMemory(int Pid, int Processes, long ResidentBytes, long ProportionalBytes, long LauncherBytes, string Names)
{
    public double ResidentMebibytes => ResidentBytes / (1024.0 * 1024.0);

    public double ProportionalMebibytes => ProportionalBytes / (1024.0 * 1024.0);

    public double LauncherMebibytes => LauncherBytes / (1024.0 * 1024.0);
}
