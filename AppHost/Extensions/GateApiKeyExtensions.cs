using Microsoft.Extensions.Configuration;
using System.Security.Cryptography;

namespace Integrations.AppHost;

public static class GateApiKeyExtensions
{
    public const string ParameterName = "gate-api-key";
    public const string EnvironmentVariable = "Gate__ApiKey";

    /// <summary>
    /// The per-deployment key that services present to the gate, as a secret parameter. The value is
    /// <c>Parameters:gate-api-key</c> when configured (tests pin it), otherwise random for this run,
    /// put into configuration the way <see cref="IntegrationSettings"/> does for sandbox secrets.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddGateApiKey(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var configurationKey = $"Parameters:{ParameterName}";
        if (string.IsNullOrWhiteSpace(builder.Configuration[configurationKey]))
        {
            var generated = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create(configurationKey, (string?)generated)]);
        }

        return builder.AddParameter(ParameterName, secret: true);
    }

    /// <summary>Gives a service the gate's API key as <c>Gate__ApiKey</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithGateApiKey(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<ParameterResource> apiKey) =>
        service.WithEnvironment(EnvironmentVariable, apiKey);
}
