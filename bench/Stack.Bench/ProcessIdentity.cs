namespace Integrations.Stack.Bench;

/// <summary>A process as <c>/proc</c> knows it: the pid with its start time (in clock ticks since boot), so a reused pid is not mistaken for it.</summary>
internal sealed record ProcessIdentity(int Pid, long StartTime, string Name)
{
    public override string ToString() => $"{Name} ({Pid})";
}
