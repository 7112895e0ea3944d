using System.ComponentModel.DataAnnotations;

namespace Integrations.Audit;

/// <summary>Settings of the audit store, bound from the <c>Audit</c> section.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";
    public const string ApiKeyConfiguration = "Audit:ApiKey";
    public const string CallersConfiguration = "Audit:Callers";

    /// <summary>Who holds <see cref="ApiKey"/>: the CLI, MCP tools and operators' scripts.</summary>
    public const string OperatorCaller = "operator";

    /// <summary>The caller stamped on rows the audit service writes itself (the chain seal).</summary>
    public const string ServiceCaller = "audit";

    /// <summary>The fewest bytes <see cref="ChainKey"/> may hold (as twice as many hex digits).</summary>
    public const int MinimumChainKeyBytes = 32;

    /// <summary>The environment stamped on every row: <c>sandbox</c> (default) or <c>live</c>, from <c>INTEGRATION_ENV</c>.</summary>
    [Required, RegularExpression("^(sandbox|live)$", ErrorMessage = "INTEGRATION_ENV must be 'sandbox' or 'live'.")]
    public string Environment { get; set; } = "sandbox";

    /// <summary>The key callers send in <c>X-Api-Key</c> (<c>Audit:ApiKey</c>, env <c>Audit__ApiKey</c>). No default.</summary>
    [Required(ErrorMessage = "Audit:ApiKey is required (env Audit__ApiKey); the AppHost generates it.")]
    [MinLength(16, ErrorMessage = "Audit:ApiKey must be at least 16 characters.")]
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// One key per calling service (<c>Audit:Callers:&lt;name&gt;</c>, env <c>Audit__Callers__&lt;name&gt;</c>): a row written
    /// with it has caller <c>&lt;name&gt;</c>; a row written with <see cref="ApiKey"/> has caller <c>operator</c>. Default: none.
    /// </summary>
    public Dictionary<string, string> Callers { get; set; } = [];

    /// <summary>
    /// The chain's MAC key (<c>Audit:ChainKey</c>, env <c>Audit__ChainKey</c>): hex, at least 64 digits (32 bytes). Kept
    /// outside the database; the AppHost generates it once and keeps it in the data directory. No default.
    /// </summary>
    [Required(ErrorMessage = "Audit:ChainKey is required (env Audit__ChainKey): at least 64 hex digits (32 bytes), kept outside the database; the AppHost supplies it.")]
    [RegularExpression("^(?:[0-9a-fA-F]{2}){32,}$", ErrorMessage = "Audit:ChainKey (env Audit__ChainKey) must be at least 64 hex digits (32 bytes) and nothing else.")]
    public string ChainKey { get; set; } = "";

    /// <summary>The key an operator types to sign in to the audit page (<c>Audit:AdminKey</c>, env <c>Audit__AdminKey</c>). No default.</summary>
    [Required(ErrorMessage = "Audit:AdminKey is required (env Audit__AdminKey); the AppHost generates it.")]
    [MinLength(16, ErrorMessage = "Audit:AdminKey must be at least 16 characters.")]
    public string AdminKey { get; set; } = "";

    /// <summary>The Aspire dashboard's base URL, for trace links on the audit page (<c>Audit:DashboardUrl</c>). Default: none, no links.</summary>
    [Url]
    public string? DashboardUrl { get; set; }

    /// <summary>The most rows one insert transaction takes from the write queue. Default 5,000.</summary>
    [Range(1, 50_000)]
    public int MaxBatchRows { get; set; } = 5_000;

    /// <summary>Write requests that may wait for the writer before new ones wait too. Default 10,000.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>How long a chain verification shown on the audit page is reused. Default 10 seconds.</summary>
    public TimeSpan PageVerificationMaxAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Sign-in attempts (POSTs of the form) one client address may make per <see cref="SignInWindow"/> (<c>Audit:SignInLimit</c>). Default 10.</summary>
    [Range(1, 10_000)]
    public int SignInLimit { get; set; } = 10;

    /// <summary>The fixed window <see cref="SignInLimit"/> counts in (<c>Audit:SignInWindow</c>). Default one minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);
}
