using System.CommandLine;

namespace Integrations.Cli;

/// <summary>
/// The options every command accepts, and how each service is found. A URL or key comes from its
/// option, else from its environment variable (<c>INTEGRATIONS_WORKER_URL</c>,
/// <c>INTEGRATIONS_WORKER_KEY</c>, … for worker, receiver, broker and audit), else the URL
/// defaults to the local stack's port from the services' launch settings and the key is unset.
/// Prefer the environment for keys: an option lands in the shell history.
/// </summary>
public sealed class GlobalOptions
{
    public static readonly IReadOnlyDictionary<string, Uri> LocalDefaults = new Dictionary<string, Uri>
    {
        ["worker"] = new("http://localhost:5183/"),
        ["receiver"] = new("http://localhost:5182/"),
        ["broker"] = new("http://localhost:5184/"),
        ["audit"] = new("http://localhost:5180/"),
    };

    private readonly Dictionary<string, (Option<string?> Url, Option<string?> Key)> _services = [];

    public GlobalOptions()
    {
        foreach (var service in LocalDefaults.Keys)
        {
            var upper = service.ToUpperInvariant();
            _services[service] = (
                new Option<string?>($"--{service}-url") { Description = $"Base URL of the {service} [env: INTEGRATIONS_{upper}_URL; default: {LocalDefaults[service]}]", Recursive = true },
                new Option<string?>($"--{service}-key") { Description = $"API key of the {service} [env: INTEGRATIONS_{upper}_KEY; prefer the environment]", Recursive = true });
        }
    }

    public Option<bool> Json { get; } = new("--json") { Description = "Write results as JSON, for scripts.", Recursive = true };

    public Option<string?> Actor { get; } = new("--actor")
    {
        Description = "Who acts, as recorded in the audit log [env: INTEGRATIONS_ACTOR; default: cli:<user name>]",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Json);
        root.Options.Add(Actor);
        foreach (var (url, key) in _services.Values)
        {
            root.Options.Add(url);
            root.Options.Add(key);
        }
    }

    public ServiceEndpoint Endpoint(ParseResult parse, CliConsole console, string service)
    {
        var (urlOption, keyOption) = _services[service];
        var upper = service.ToUpperInvariant();
        var url = parse.GetValue(urlOption) ?? console.Environment($"INTEGRATIONS_{upper}_URL");
        var key = parse.GetValue(keyOption) ?? console.Environment($"INTEGRATIONS_{upper}_KEY");
        if (url is null)
        {
            return new ServiceEndpoint(service, LocalDefaults[service], NullIfEmpty(key));
        }

        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            throw new CliException(ExitCodes.Usage, $"The {service} URL '{url}' is not an absolute http or https URL.");
        }

        return new ServiceEndpoint(service, baseUrl, NullIfEmpty(key));
    }

    public string ResolveActor(ParseResult parse, CliConsole console) =>
        parse.GetValue(Actor) ?? console.Environment("INTEGRATIONS_ACTOR") ?? $"cli:{Environment.UserName}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
