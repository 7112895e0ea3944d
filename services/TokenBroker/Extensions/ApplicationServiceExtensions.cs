using System.Net;
using Integrations.TokenBroker;
using Integrations.TokenBroker.Connections;
using Integrations.TokenBroker.Providers;
using Microsoft.Extensions.Http.Resilience;
using Npgsql;
using Polly;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("integrationsdb");
        builder.Services.AddHealthChecks().AddDatabaseLoginCheck<NpgsqlDataSource>();

        // Request lines would carry the callback's code and state in the query string.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddAuditClient();

        // Tokens are stored encrypted; the key ring is shared by all replicas through PostgreSQL.
        builder.AddPostgresDataProtection("Integrations.TokenBroker");
        builder.Services.AddSingleton<TokenProtector>();
        builder.Services.AddSingleton<ConnectionStore>();
        builder.Services.AddScoped<AccessTokenIssuer>();

        builder.Services.AddOptions<BrokerOptions>()
            .BindConfiguration(BrokerOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(options => options.Actions.Values.All(a => OAuthProviderOptions.Known.Contains(a.Provider) && a.Scope.Length > 0),
                "Broker:Actions:<action> needs a Provider (google, github or slack) and a Scope.")
            .ValidateOnStart();

        foreach (var name in OAuthProviderOptions.Known)
        {
            builder.Services.AddOptions<OAuthProviderOptions>(name)
                .BindConfiguration(OAuthProviderOptions.Section(name))
                .PostConfigure(options => ApplyDefaults(options, name, builder.Configuration));
        }

        // The token POST replaces the standard handler: it must not be retried where the provider
        // may already have acted (a refresh that rotated the refresh token cannot be replayed).
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is the documented way to replace the default handler of one client.
        builder.Services.AddHttpClient<OAuthProviderClient>()
            .RemoveAllResilienceHandlers()
#pragma warning restore EXTEXP0001
            .AddStandardResilienceHandler(options => options.Retry.ShouldHandle = args => ValueTask.FromResult(IsSafeToRetry(args.Outcome)));
    }

    /// <summary>
    /// A token request is retried only when the provider cannot have acted on it: the connection
    /// was never made, or the provider answered 429/502/503/504 (it did not process the grant).
    /// A timeout, a reset mid-request or a 500 may follow a processed refresh, so they are not retried.
    /// </summary>
    internal static bool IsSafeToRetry(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => true,
        { Result.StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
        _ => false,
    };

    private static void ApplyDefaults(OAuthProviderOptions options, string name, IConfiguration configuration)
    {
        var defaults = OAuthProviderOptions.Defaults(name);
        options.Name = name;
        options.AuthorizeEndpoint ??= defaults.AuthorizeEndpoint;
        options.TokenEndpoint ??= defaults.TokenEndpoint;
        options.RevokeEndpoint ??= defaults.RevokeEndpoint;
        options.UserEndpoint ??= defaults.UserEndpoint;
        options.ClientIdKey = options.ClientIdKey.Length > 0 ? options.ClientIdKey : defaults.ClientIdKey;
        options.ClientSecretKey = options.ClientSecretKey.Length > 0 ? options.ClientSecretKey : defaults.ClientSecretKey;
        options.ClientId = options.ClientId.Length > 0 ? options.ClientId : configuration[options.ClientIdKey] ?? "";
        options.ScopeSeparator = name == "slack" ? defaults.ScopeSeparator : options.ScopeSeparator;
        if (options.DefaultScopes.Count == 0)
        {
            options.DefaultScopes.AddRange(defaults.DefaultScopes);
        }
    }
}
