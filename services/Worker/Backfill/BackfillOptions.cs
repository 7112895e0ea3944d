using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Backfill;

/// <summary>Gap recovery's settings, bound from the <c>Backfill</c> section; checked at start.</summary>
public sealed class BackfillOptions : IValidatableObject
{
    public const string SectionName = "Backfill";

    /// <summary>How often every source is backfilled (<c>Backfill:Interval</c>). Default 15 minutes; zero turns the schedule off (on demand still works).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How far back a run looks when it is not told (<c>--since</c>) and no earlier run of this process
    /// covered the time before (<c>Backfill:Lookback</c>). Default 3 days: as long as Stripe retries a delivery.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// How old a delivery must be before a run takes it as lost (<c>Backfill:MinimumAge</c>): younger ones
    /// may still be on their way. Default 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MinimumAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many events or deliveries each page of a provider's list asks for (<c>Backfill:PageSize</c>, 1 to 100). Default 100.</summary>
    [Range(1, 100)]
    public int PageSize { get; set; } = 100;

    /// <summary>The GitHub webhooks to watch (<c>Backfill:GitHub:Hooks:0</c> = <c>owner/repo:hookId</c>). None by default: GitHub is then not backfilled.</summary>
    public BackfillGitHubOptions GitHub { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < GitHub.Hooks.Count; i++)
        {
            if (GitHubHook.Parse(GitHub.Hooks[i]) is null)
            {
                yield return new ValidationResult($"Backfill:GitHub:Hooks:{i} must be owner/repo:hookId, e.g. acme/widgets:12345678.", [$"GitHub.Hooks[{i}]"]);
            }
        }
    }
}
