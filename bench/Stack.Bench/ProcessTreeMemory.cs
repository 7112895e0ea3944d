namespace Integrations.Stack.Bench;

/// <summary>The summed RSS of a process tree rooted at <see cref="Pid"/>, and the names of its processes.</summary>
internal sealed record ProcessTreeMemory(int Pid, int Processes, long ResidentBytes, string Names)
{
    public double ResidentMebibytes => ResidentBytes / (1024.0 * 1024.0);
}
