using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Integrations.AppHost;

public static class ApiKeyExtensions
{
    /// <summary>
    /// An API key for service-to-service or operator calls, as a secret parameter. Its value comes
    /// from <c>Parameters:&lt;name&gt;</c> when configured; otherwise a random key is generated for
    /// this run, so no key ever sits in source or in a manifest.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddApiKey(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var key = $"Parameters:{name}";
        if (string.IsNullOrEmpty(builder.Configuration[key]))
        {
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create(key, (string?)Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)))]);
        }

        return builder.AddParameter(name, secret: true);
    }
}
