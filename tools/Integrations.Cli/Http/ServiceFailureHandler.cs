using System.Text;
using Integrations.ApiKeys;

namespace Integrations.Cli.Http;

/// <summary>
/// Turns every failure of a call to <paramref name="endpoint"/> into a <see cref="CliException"/> whose
/// message is the service's problem details (title, detail and field errors) and whose exit code follows
/// the status; a service that cannot be reached, or does not answer within <paramref name="timeout"/>, is
/// <see cref="ExitCodes.Unavailable"/>. The key is never part of a message. With a time limit the answer
/// is read whole within it; without one (<see cref="Timeout.InfiniteTimeSpan"/>) it is left to stream.
/// </summary>
public sealed class ServiceFailureHandler(ServiceEndpoint endpoint, TimeSpan timeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, limit.Token);
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                await response.Content.LoadIntoBufferAsync(limit.Token);
            }
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ExitCodes.Unavailable, $"Cannot reach the {endpoint.Name} at {endpoint.BaseUrl}: {ex.Message}");
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unavailable, $"The {endpoint.Name} at {endpoint.BaseUrl} did not answer within {timeout.TotalSeconds:0} s.");
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

    private async Task<CliException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var message = new StringBuilder($"The {endpoint.Name} answered {status}");
        if (status == 401)
        {
            message.Append(": the API key was refused. Set INTEGRATIONS_").Append(endpoint.Name.ToUpperInvariant()).Append("_KEY (or --")
                .Append(endpoint.Name).Append("-key) to the ").Append(endpoint.Name).Append("'s key.");
            return new CliException(ExitCodes.Unauthorized, message.ToString());
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = ServiceAnswer.DescribeProblem(body, Environment.NewLine + "  ");
        message.Append(problem is null ? $" {response.ReasonPhrase}." : $":{problem}");
        return new CliException(ServiceClient.ExitCodeFor(response.StatusCode), message.ToString());
    }
}
