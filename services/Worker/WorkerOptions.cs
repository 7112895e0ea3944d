using System.ComponentModel.DataAnnotations;
using Integrations.Worker.Apis;

namespace Integrations.Worker;

/// <summary>The worker's own settings, bound from the <c>Worker</c> section; checked at start.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>
    /// The key the admin and actions APIs require in <c>X-Api-Key</c> (<see cref="QueueApi.AdminKeyConfiguration"/>,
    /// env <c>Worker__AdminApiKey</c>); the AppHost generates it. Without it start-up fails, rather than leaving an API nobody can call.
    /// </summary>
    [Required(ErrorMessage = "Worker:AdminApiKey is required (env Worker__AdminApiKey); the AppHost generates worker-admin-key.")]
    [MinLength(16, ErrorMessage = "Worker:AdminApiKey must be at least 16 characters.")]
    public string AdminApiKey { get; set; } = "";
}
