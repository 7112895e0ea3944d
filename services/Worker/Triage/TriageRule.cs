using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Triage;

/// <summary>A category and the keywords that put a row into it.</summary>
public sealed class TriageRule
{
    [Required]
    public string Category { get; set; } = "";

    [Required, MinLength(1)]
    public List<string> Keywords { get; set; } = [];
}
