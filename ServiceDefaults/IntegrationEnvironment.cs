namespace Microsoft.Extensions.Hosting;

/// <summary>
/// <c>INTEGRATION_ENV</c>, read with one rule by the AppHost (which links this file) and every service:
/// <c>sandbox</c>, the default when it is unset or blank, or <c>live</c>, in any case and with
/// surrounding spaces; anything else stops start-up, naming the variable.
/// </summary>
public static class IntegrationEnvironment
{
    public const string Variable = "INTEGRATION_ENV";
    public const string Sandbox = "sandbox";
    public const string Live = "live";

    public static string Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or Sandbox => Sandbox,
        Live => Live,
        _ => throw new InvalidOperationException($"{Variable} must be '{Sandbox}' or '{Live}', not '{value}'."),
    };
}
