using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Flows;

public sealed class FlowOptions
{
    public const string SectionName = "Flows";

    /// <summary>The Slack channel that receives push summaries. Default <c>#engineering</c>.</summary>
    [Required]
    public string PushSummaryChannel { get; set; } = "#engineering";

    /// <summary>The Slack channel that receives release notes. Default <c>#releases</c>.</summary>
    [Required]
    public string ReleaseNotesChannel { get; set; } = "#releases";

    /// <summary>The Slack channel that hears about new paying customers. Default <c>#billing</c>.</summary>
    [Required]
    public string BillingChannel { get; set; } = "#billing";
}
