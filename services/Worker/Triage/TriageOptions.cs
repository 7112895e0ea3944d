using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Triage;

/// <summary>Bound from <c>Triage</c>: the keyword rules and where engineering rows go.</summary>
public sealed class TriageOptions
{
    public const string SectionName = "Triage";

    /// <summary>
    /// The receiver source whose <c>support.export.updated</c> deliveries start a queued triage run.
    /// Default <c>support</c> (configure it in the receiver as a Standard Webhooks source).
    /// </summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9_-]{0,31}$")]
    public string Source { get; set; } = "support";

    /// <summary>
    /// Rules in order; the first whose keyword occurs in the subject or body (case-insensitive)
    /// wins. Defaults: bug, billing, feature_request, question.
    /// </summary>
    [Required, MinLength(1)]
    public List<TriageRule> Rules { get; set; } =
    [
        new() { Category = "bug", Keywords = ["crash", "error", "broken", "500", "bug", "does not load", "fails"] },
        new() { Category = "billing", Keywords = ["charged", "refund", "invoice", "payment", "billing"] },
        new() { Category = "feature_request", Keywords = ["feature", "would love", "would be great", "please add"] },
        new() { Category = "question", Keywords = ["how", "where", "?"] },
    ];

    /// <summary>The category of a row that no rule matches. Default <c>question</c>.</summary>
    [Required]
    public string DefaultCategory { get; set; } = "question";

    /// <summary>Categories that become GitHub issues. Default <c>bug</c> and <c>feature_request</c>.</summary>
    [Required, MinLength(1)]
    public List<string> EngineeringCategories { get; set; } = ["bug", "feature_request"];
}
