namespace Integrations.Sandbox.Faults;

/// <summary>
/// The active fault rules. Each call takes at most one fault: the first rule, in the order added,
/// whose route matches and whose count is not used up. Counting is atomic, so "503 for 3 calls"
/// hits exactly three calls however many arrive at once.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<ActiveRule> _rules = [];
    private long _nextId;

    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "status", "acted", "latency", "stall", "reset" };

    public long Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_gate)
        {
            var id = ++_nextId;
            _rules.Add(new ActiveRule(id, rule, rule.Count));
            return id;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    public IReadOnlyList<ActiveRule> List()
    {
        lock (_gate)
        {
            return [.. _rules];
        }
    }

    public FaultRule? Take(PathString path)
    {
        lock (_gate)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var active = _rules[i];
                if (!(path.Value ?? "").StartsWith(active.Rule.Route, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (active.Remaining is int remaining)
                {
                    if (remaining <= 0)
                    {
                        continue;
                    }

                    _rules[i] = active with { Remaining = remaining - 1 };
                }

                return active.Rule;
            }

            return null;
        }
    }
}

/// <summary>A rule as stored: its id and how many more calls it will hit (null: unlimited).</summary>
public sealed record ActiveRule(long Id, FaultRule Rule, int? Remaining);
