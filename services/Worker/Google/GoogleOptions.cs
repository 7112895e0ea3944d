using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Google;

/// <summary>Bound from <c>Providers:Google</c>. Tokens come from the broker, per connection.</summary>
public sealed class GoogleOptions
{
    public const string SectionName = "Providers:Google";

    /// <summary>The Google APIs root. Default <c>https://www.googleapis.com/</c>; the AppHost points it at the sandbox.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://www.googleapis.com/");
}
