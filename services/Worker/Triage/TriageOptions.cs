using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Integrations.Worker.Triage;

/// <summary>
/// Bound from <c>Triage</c>: the keyword rules, where engineering rows go, and what a queued run may
/// touch. A signed support webhook names a connection, a sheet and a repository; a queued run goes
/// ahead only when all three are allow-listed here, so a help desk's signing key is not a key to
/// every Google connection, file and repository the worker can reach. The lists are empty by default
/// (no queued run is allowed); the AppHost fills them with the sandbox's in sandbox mode.
/// </summary>
public sealed partial class TriageOptions : IValidatableObject
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

    /// <summary>
    /// Connections a queued run may read with (<c>Triage:AllowedConnections</c>): each a broker
    /// connection id, or the account of a Google connection (e.g. <c>helpdesk@example.com</c>), which
    /// stays valid when the account is connected again. Default: none.
    /// </summary>
    [Required]
    public List<string> AllowedConnections { get; set; } = [];

    /// <summary>Google Drive file ids of support exports a queued run may read (<c>Triage:AllowedFiles</c>). Default: none.</summary>
    [Required]
    public List<string> AllowedFiles { get; set; } = [];

    /// <summary>Repositories (<c>owner/name</c>) a queued run may open issues in (<c>Triage:AllowedRepositories</c>). Default: none.</summary>
    [Required]
    public List<string> AllowedRepositories { get; set; } = [];

    /// <summary>Whether a connection is allow-listed, by its id or its account.</summary>
    public bool AllowsConnection(Guid id, string? account) =>
        AllowedConnections.Any(entry => (Guid.TryParse(entry, out var allowed) && allowed == id)
            || (account is not null && string.Equals(entry, account, StringComparison.OrdinalIgnoreCase)));

    public bool AllowsFile(string fileId) => AllowedFiles.Contains(fileId, StringComparer.Ordinal);

    public bool AllowsRepository(string repository) => AllowedRepositories.Contains(repository, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (_, index) in AllowedConnections.Select((e, i) => (e, i)).Where(e => string.IsNullOrWhiteSpace(e.e) || e.e.Any(char.IsWhiteSpace)))
        {
            yield return new ValidationResult($"Triage:AllowedConnections:{index} must be a connection id or an account, without spaces.", [nameof(AllowedConnections)]);
        }

        foreach (var (_, index) in AllowedFiles.Select((e, i) => (e, i)).Where(e => !FileId().IsMatch(e.e ?? "")))
        {
            yield return new ValidationResult($"Triage:AllowedFiles:{index} must be a Drive file id (letters, digits, '_' and '-').", [nameof(AllowedFiles)]);
        }

        foreach (var (_, index) in AllowedRepositories.Select((e, i) => (e, i)).Where(e => !Repository().IsMatch(e.e ?? "")))
        {
            yield return new ValidationResult($"Triage:AllowedRepositories:{index} must be a repository as owner/name.", [nameof(AllowedRepositories)]);
        }
    }

    /// <summary>A Drive file id as a support export event may name it.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    internal static partial Regex FileId();

    [GeneratedRegex(Client.ActionRequestRules.Repository)]
    internal static partial Regex Repository();
}
