namespace Integrations.AppHost;

public static class DashboardLinkExtensions
{
    /// <summary>AppHost setting that overrides the dashboard URL passed to services (e.g. behind a proxy, or in tests).</summary>
    public const string DashboardUrlKey = "Dashboard:Url";

    /// <summary>
    /// Passes the Aspire dashboard's base URL as <c>Audit__DashboardUrl</c>, so a service can link to
    /// <c>{dashboard}/traces/detail/{traceId}</c>. The URL is <c>Dashboard:Url</c> when set, otherwise the
    /// first address in <c>ASPNETCORE_URLS</c>, which is where the AppHost serves the dashboard (the launch
    /// profile's <c>applicationUrl</c>). Without either, nothing is set and the service shows no links.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDashboardUrl(
        this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var url = builder.Configuration[DashboardUrlKey];
        if (string.IsNullOrWhiteSpace(url))
        {
            url = builder.Configuration["ASPNETCORE_URLS"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault();
        }

        return string.IsNullOrWhiteSpace(url) ? service : service.WithEnvironment("Audit__DashboardUrl", url.TrimEnd('/'));
    }
}
