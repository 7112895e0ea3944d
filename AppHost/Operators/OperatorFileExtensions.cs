using System.Text.Json;

namespace Integrations.AppHost;

/// <summary>
/// What an operator's tools need to reach the running stack: each operator-facing API's URL and key.
/// At every start in run mode the AppHost writes them to <c>Operator:File</c> (default <c>operator.json</c>
/// in the data directory, <c>.data/</c>), readable by its owner only (0600), replacing the last run's keys.
/// The CLI and its MCP server read that file by default, so they work straight after <c>./run.sh</c>,
/// and no key passes through a command line, an environment listing or a log.
/// The file holds <c>{"worker": {"url": "...", "key": "..."}, ...}</c>; <c>audit-page</c> is the audit
/// page and the key an operator signs in to it with.
/// </summary>
public static class OperatorFileExtensions
{
    public const string FileKey = "Operator:File";

    /// <summary>Writes <paramref name="entries"/> (name, service, key, path under the service's URL) to the operator file once the endpoints are allocated.</summary>
    public static IDistributedApplicationBuilder WithOperatorFile(
        this IDistributedApplicationBuilder builder,
        params (string Name, IResourceBuilder<ProjectResource> Service, IResourceBuilder<ParameterResource> Key, string Path)[] entries)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        var path = Path.GetFullPath(builder.Configuration[FileKey] ?? Path.Combine(StoredSecrets.DataDirectory(builder), "operator.json"));
        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>(async (_, cancellationToken) =>
        {
            var file = new Dictionary<string, OperatorEndpoint>(StringComparer.Ordinal);
            foreach (var (name, service, key, relative) in entries)
            {
                var url = new Uri(new Uri(service.GetEndpoint("http").Url + "/"), relative);
                file[name] = new OperatorEndpoint(url.AbsoluteUri, await key.Resource.GetValueAsync(cancellationToken) ?? "");
            }

            Write(path, JsonSerializer.SerializeToUtf8Bytes(file, s_json));
        });
        return builder;
    }

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Replaces the file in one step, never readable by anyone else: written 0600 beside it, then renamed over it.</summary>
    private static void Write(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private sealed record OperatorEndpoint(string Url, string Key);
}
