using Integrations.Audit;
using Integrations.Audit.Chain;
using Integrations.Audit.Pages;
using Integrations.Audit.Writing;
using Microsoft.AspNetCore.Authentication.Cookies;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("auditdb", configureDataSourceBuilder: DatabaseRole.Configure);
        builder.Services.AddHealthChecks().AddCheck<DatabaseRole>("auditdb-role").AddDatabaseLoginCheck<NpgsqlDataSource>();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AuditStore>();
        builder.Services.AddSingleton<AuditAppender>();
        builder.Services.AddSingleton<AuditWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuditWriter>());
        builder.Services.AddSingleton<AuditMac>();
        builder.Services.AddSingleton<ChainVerifier>();
        builder.Services.AddSingleton<AuditChainSeal>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuditChainSeal>());
        builder.Services.AddHealthChecks().AddCheck<AuditChainSeal>("audit-chain-seal");
        builder.Services.AddSingleton<PageChainStatus>();
        builder.Services.AddOptions<AuditOptions>()
            .BindConfiguration(AuditOptions.SectionName)
            .Configure(options => options.Environment = IntegrationEnvironment.Parse(builder.Configuration[IntegrationEnvironment.Variable]))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The audit page: an operator signs in with the admin key and gets an HTTP-only, same-site cookie.
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/audit/login";
                options.LogoutPath = "/audit/logout";
                options.Cookie.Name = "integrations-audit";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
            });
        builder.Services.AddAuthorization();
        builder.Services.AddSignInRateLimit();
        builder.Services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/");
            options.Conventions.AllowAnonymousToPage("/Login");
        });
    }
}
