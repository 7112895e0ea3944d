using System.CommandLine;

namespace Integrations.Cli;

/// <summary>
/// The options every command accepts, and how each service is found. A URL or key comes from its
/// option, else from its environment variable (<c>INTEGRATIONS_WORKER_URL</c>,
/// <c>INTEGRATIONS_WORKER_KEY</c>, … for worker, receiver, broker and audit), else from the operator
/// file the AppHost writes at start (<see cref="OperatorFile"/>, <c>.data/operator.json</c>), else the
/// URL defaults to the local stack's port from the services' launch settings and the key is unset.
/// A key from the operator file is only ever sent to the URL written beside it.
/// Prefer the environment or the operator file for keys: an option lands in the shell history.
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
                new Option<string?>($"--{service}-url") { Description = $"Base URL of the {service} [env: INTEGRATIONS_{upper}_URL; default: .data/operator.json, else {LocalDefaults[service]}]", Recursive = true },
                new Option<string?>($"--{service}-key") { Description = $"API key of the {service} [env: INTEGRATIONS_{upper}_KEY; default: .data/operator.json]", Recursive = true });
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
        var key = NullIfEmpty(parse.GetValue(keyOption) ?? console.Environment($"INTEGRATIONS_{upper}_KEY"));
        var written = OperatorFile.Find(console)?.For(service);

        var baseUrl = url is null ? written?.Url ?? LocalDefaults[service] : ParseUrl(service, url);

        // The operator file's key belongs to the stack that wrote it: it goes to that URL and nowhere else.
        if (key is null && written is { } entry && entry.Url == baseUrl)
        {
            key = entry.Key;
        }

        return new ServiceEndpoint(service, baseUrl, key);
    }

    private static Uri ParseUrl(string service, string url) =>
        Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? parsed
            : throw new CliException(ExitCodes.Usage, $"The {service} URL '{url}' is not an absolute http or https URL.");

    public string ResolveActor(ParseResult parse, CliConsole console) =>
        parse.GetValue(Actor) ?? console.Environment("INTEGRATIONS_ACTOR") ?? $"cli:{Environment.UserName}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
