using Integrations.DataProtection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Microsoft.Extensions.DependencyInjection;

public static class PostgresDataProtectionExtensions
{
    /// <summary>
    /// ASP.NET Core Data Protection with its key ring in the <c>data_protection_keys</c> table of the
    /// registered <see cref="Npgsql.NpgsqlDataSource"/>, so every replica and restart shares one ring.
    /// Keys rotate by Data Protection's own schedule (90 days by default). The table is created by
    /// the migrator. Data protected for one <paramref name="applicationName"/> cannot be read by another.
    /// </summary>
    public static IDataProtectionBuilder AddPostgresDataProtection(this IServiceCollection services, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(applicationName);

        services.AddSingleton<PostgresXmlRepository>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<PostgresXmlRepository>((options, repository) => options.XmlRepository = repository);
        return services.AddDataProtection().SetApplicationName(applicationName);
    }
}
