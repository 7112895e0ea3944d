using System.ComponentModel.DataAnnotations;

namespace Integrations.Gate.Client;

/// <summary>Settings for <see cref="GateClient"/>, bound from the <c>Gate</c> section.</summary>
public sealed class GateClientOptions
{
    public const string SectionName = "Gate";

    /// <summary>The gate's API key (<c>Gate:ApiKey</c>, env <c>Gate__ApiKey</c>); the AppHost generates it. No default.</summary>
    [Required(ErrorMessage = "Gate:ApiKey is required (env Gate__ApiKey); the AppHost passes it to services that call the gate.")]
    public string ApiKey { get; set; } = "";
}
