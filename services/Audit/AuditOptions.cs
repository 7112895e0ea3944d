using System.ComponentModel.DataAnnotations;

namespace Integrations.Audit;

public sealed class AuditOptions
{
    /// <summary>The environment stamped on every row: <c>sandbox</c> (default) or <c>live</c>, from <c>INTEGRATION_ENV</c>.</summary>
    [Required, RegularExpression("^(sandbox|live)$", ErrorMessage = "INTEGRATION_ENV must be 'sandbox' or 'live'.")]
    public string Environment { get; set; } = "sandbox";
}
