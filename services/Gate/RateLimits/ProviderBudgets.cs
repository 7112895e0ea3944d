using System.Text.RegularExpressions;

namespace Integrations.Gate.RateLimits;

/// <summary>
/// Default budgets, from the providers' documented limits. Each applies per connection (token,
/// account or channel, as the caller names it); configuration overrides any of them.
/// </summary>
public static partial class ProviderBudgets
{
    public static Dictionary<string, BudgetOptions> Defaults() => new(StringComparer.OrdinalIgnoreCase)
    {
        // REST API primary limit: 5,000 requests per hour per user token. Secondary limits arrive as
        // 403/429 with Retry-After and are reported back to the gate.
        ["github"] = new() { Limit = 5000, Period = TimeSpan.FromHours(1), Burst = 100 },
        // chat.postMessage: about one message per second per channel, short bursts tolerated.
        ["slack"] = new() { Limit = 1, Period = TimeSpan.FromSeconds(1), Burst = 3 },
        // 100 read/write operations per second in live mode, 25 in test mode.
        ["stripe"] = new() { Limit = 100, Period = TimeSpan.FromSeconds(1), Burst = 100 },
        ["stripe-test"] = new() { Limit = 25, Period = TimeSpan.FromSeconds(1), Burst = 25 },
        // Google quotas differ per API; 10/s per user with a burst of 20 stays under the common per-user quotas.
        ["google"] = new() { Limit = 10, Period = TimeSpan.FromSeconds(1), Burst = 20 },
    };

    public static bool IsValidProviderName(string name) => ProviderName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}$")]
    private static partial Regex ProviderName();
}
