using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Flows;

public sealed class FlowOptions
{
    public const string SectionName = "Flows";

    /// <summary>The Slack channel that receives push summaries. Default <c>#engineering</c>.</summary>
    [Required]
    public string PushSummaryChannel { get; set; } = "#engineering";
}
