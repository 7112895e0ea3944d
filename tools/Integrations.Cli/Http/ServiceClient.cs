using System.Net;
using Integrations.ApiKeys;
using Integrations.Worker.Client;

namespace Integrations.Cli.Http;

/// <summary>
/// The CLI's connection to one service, for the service's typed client (<c>WorkerClient</c>,
/// <c>ReceiverClient</c>, <c>AuditClient</c>, <c>TokenBrokerClient</c>) to call through: it sends the
/// API key in <c>X-Api-Key</c> (and the actor in <c>X-Actor</c>), and <see cref="ServiceFailureHandler"/>
/// turns every failure into a <see cref="CliException"/> before the typed client sees it.
/// </summary>
public sealed class ServiceClient : IDisposable
{
    public ServiceClient(ServiceEndpoint endpoint, string? actor = null, TimeSpan? timeout = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var keyed = new ApiKeyHandler(() => endpoint.ApiKey) { InnerHandler = handler ?? new HttpClientHandler() };
        // The failure handler keeps the time limit itself, so that it can name the service that did not answer.
        Http = new HttpClient(new ServiceFailureHandler(endpoint, timeout ?? TimeSpan.FromSeconds(100)) { InnerHandler = keyed })
        {
            BaseAddress = endpoint.BaseUrl,
            Timeout = Timeout.InfiniteTimeSpan,
        };

        if (actor is not null)
        {
            Http.DefaultRequestHeaders.Add(WorkerClient.ActorHeader, actor);
        }
    }

    /// <summary>The configured client, for the typed clients.</summary>
    public HttpClient Http { get; }

    /// <summary>The exit code for an HTTP status.</summary>
    public static int ExitCodeFor(HttpStatusCode status) => (int)status switch
    {
        400 => ExitCodes.Usage,
        401 or 403 => ExitCodes.Unauthorized,
        404 => ExitCodes.NotFound,
        502 or 503 or 504 => ExitCodes.Unavailable,
        _ => ExitCodes.Failure,
    };

    public void Dispose() => Http.Dispose();
}
