using System.ComponentModel.DataAnnotations;

namespace Integrations.Audit.Client;

/// <summary>Settings for <see cref="AuditClient"/>, bound from the <c>Audit</c> section.</summary>
public sealed class AuditClientOptions
{
    public const string SectionName = "Audit";

    /// <summary>The audit store's API key (<c>Audit:ApiKey</c>, env <c>Audit__ApiKey</c>); the AppHost generates it. No default.</summary>
    [Required(ErrorMessage = "Audit:ApiKey is required (env Audit__ApiKey); the AppHost passes it to services that write audit rows.")]
    public string ApiKey { get; set; } = "";
}
