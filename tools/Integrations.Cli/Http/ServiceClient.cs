using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Integrations.ApiKeys;

namespace Integrations.Cli.Http;

/// <summary>
/// Calls one service: sends its API key in <c>X-Api-Key</c> (and the actor in <c>X-Actor</c>), and
/// turns every failure into a <see cref="CliException"/> whose message is the service's problem
/// details (title, detail and field errors) and whose exit code follows the status. The key is
/// never part of a message.
/// </summary>
public sealed class ServiceClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ServiceEndpoint _endpoint;

    public ServiceClient(ServiceEndpoint endpoint, string? actor = null, TimeSpan? timeout = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        Http = new HttpClient(new ApiKeyHandler(() => endpoint.ApiKey) { InnerHandler = handler ?? new HttpClientHandler() })
        {
            BaseAddress = endpoint.BaseUrl,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };

        if (actor is not null)
        {
            Http.DefaultRequestHeaders.Add("X-Actor", actor);
        }
    }

    /// <summary>The configured client, for typed clients such as <c>AuditClient</c> and <c>TokenBrokerClient</c>.</summary>
    public HttpClient Http { get; }

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public async Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) }, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>Sends <paramref name="request"/>; returns the response only when it succeeded.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        ArgumentNullException.ThrowIfNull(request);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unavailable, $"The {_endpoint.Name} at {_endpoint.BaseUrl} did not answer within {Http.Timeout.TotalSeconds:0} s.");
        }
        finally
        {
            request.Dispose();
        }

        if (response.IsSuccessStatusCode || (int)response.StatusCode is >= 300 and < 400)
        {
            return response;
        }

        using (response)
        {
            throw await FailureAsync(response, cancellationToken);
        }
    }

    public CliException Unreachable(HttpRequestException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return new CliException(ExitCodes.Unavailable, $"Cannot reach the {_endpoint.Name} at {_endpoint.BaseUrl}: {ex.Message}");
    }

    /// <summary>The exit code for an HTTP status.</summary>
    public static int ExitCodeFor(HttpStatusCode status) => (int)status switch
    {
        400 => ExitCodes.Usage,
        401 or 403 => ExitCodes.Unauthorized,
        404 => ExitCodes.NotFound,
        502 or 503 or 504 => ExitCodes.Unavailable,
        _ => ExitCodes.Failure,
    };

    private async Task<CliException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var message = new StringBuilder($"The {_endpoint.Name} answered {status}");
        if (status == 401)
        {
            message.Append(": the API key was refused. Set INTEGRATIONS_").Append(_endpoint.Name.ToUpperInvariant()).Append("_KEY (or --")
                .Append(_endpoint.Name).Append("-key) to the ").Append(_endpoint.Name).Append("'s key.");
            return new CliException(ExitCodes.Unauthorized, message.ToString());
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                AppendProblem(message, problem.RootElement);
                return new CliException(ExitCodeFor(response.StatusCode), message.ToString());
            }
        }
        catch (JsonException)
        {
            // Not problem details: the status alone says enough.
        }

        message.Append(' ').Append(response.ReasonPhrase).Append('.');
        return new CliException(ExitCodeFor(response.StatusCode), message.ToString());
    }

    internal static void AppendProblem(StringBuilder message, JsonElement problem)
    {
        message.Append(':');
        if (problem.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String)
        {
            message.Append(' ').Append(title.GetString());
        }

        if (problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
        {
            message.Append(' ').Append(detail.GetString());
        }

        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
            {
                foreach (var error in field.Value.EnumerateArray())
                {
                    message.AppendLine().Append("  ").Append(field.Name.Length > 0 ? field.Name + ": " : "").Append(error.GetString());
                }
            }
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new CliException(ExitCodes.Failure, $"The {_endpoint.Name} answered without a body.");
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.Failure, $"The {_endpoint.Name} answered with JSON this CLI does not understand; is it the same version?");
        }
    }

    public void Dispose() => Http.Dispose();
}
