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

    /// <summary>
    /// A key that must stay the same from run to run, such as the audit chain key (rows sealed under it must
    /// verify on the next run), as a secret parameter. Its value comes from <c>Parameters:&lt;name&gt;</c> when
    /// configured; otherwise, in run mode, 32 random bytes (64 hex digits) generated once and kept in the data
    /// directory's <c>secrets/</c> folder, owner-only (<see cref="StoredSecrets"/>). In publish mode it is a plain
    /// secret parameter that the deployer supplies.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddStoredKey(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var key = $"Parameters:{name}";
        if (builder.ExecutionContext.IsRunMode && string.IsNullOrEmpty(builder.Configuration[key]))
        {
            var stored = StoredSecrets.ReadOrCreate(StoredSecrets.DataDirectory(builder), name, bytes: 32);
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create(key, (string?)stored)]);
        }

        return builder.AddParameter(name, secret: true);
    }
}
