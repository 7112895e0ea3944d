using System.ComponentModel.DataAnnotations;
using Integrations.Gate.RateLimits;

namespace Integrations.Gate;

/// <summary>Settings of the gate, bound from the <c>Gate</c> section (env <c>Gate__*</c>).</summary>
public sealed class GateOptions : IValidatableObject
{
    public const string SectionName = "Gate";

    /// <summary>The API key callers send in <c>X-Api-Key</c>; the AppHost generates it. No default.</summary>
    [Required(ErrorMessage = "Gate:ApiKey is required (env Gate__ApiKey); the AppHost generates it.")]
    [MinLength(16, ErrorMessage = "Gate:ApiKey must be at least 16 characters.")]
    public string ApiKey { get; set; } = "";

    /// <summary>How long an idempotency record (and its outcome) is kept after its last change. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00", ErrorMessage = "Gate:IdempotencyRetention must be between 1 minute and 365 days.")]
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The lease <c>begin</c> grants when the caller names none. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Gate:DefaultLease must be between 100 ms and 1 hour.")]
    public TimeSpan DefaultLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest lease a caller may ask for. Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "Gate:MaxLease must be between 100 ms and 1 day.")]
    public TimeSpan MaxLease { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>What a rate-limit decision answers when Redis is unreachable. Default <see cref="RateLimitFailureMode.Closed"/> (503).</summary>
    public RateLimitFailureMode RateLimitFailureMode { get; set; } = RateLimitFailureMode.Closed;

    /// <summary>The pause after a 429 that carries no <c>Retry-After</c> or reset (GitHub's secondary limits say: at least a minute). Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Gate:DefaultPause must be between 1 second and 1 hour.")]
    public TimeSpan DefaultPause { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest pause a provider report can impose, so a bogus header cannot stop a budget for good. Default 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Gate:MaxPause must be between 1 second and 1 day.")]
    public TimeSpan MaxPause { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Budgets by provider (<c>Gate:Budgets:&lt;provider&gt;:Limit|Period|Burst</c>); defaults in <see cref="ProviderBudgets.Defaults"/>.</summary>
    public Dictionary<string, BudgetOptions> Budgets { get; set; } = ProviderBudgets.Defaults();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxLease < DefaultLease)
        {
            yield return new ValidationResult("Gate:MaxLease must not be shorter than Gate:DefaultLease.", [nameof(MaxLease)]);
        }

        foreach (var (provider, budget) in Budgets)
        {
            if (!ProviderBudgets.IsValidProviderName(provider))
            {
                yield return new ValidationResult($"Gate:Budgets:{provider} is not a valid provider name (a-z, 0-9, '-', '_').");
            }

            foreach (var error in budget.Validate($"Gate:Budgets:{provider}"))
            {
                yield return new ValidationResult(error);
            }
        }
    }
}
