using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Integrations.ApiKeys;

namespace Integrations.Worker.Client;

/// <summary>
/// Typed client for the worker's API: the business actions, the dead-letter queue, replays and gap
/// recovery. A refusal throws an <see cref="HttpRequestException"/> with the worker's status and its
/// problem details as the message (<see cref="ServiceAnswer"/>).
/// </summary>
public sealed class WorkerClient(HttpClient http)
{
    /// <summary>The header that names who asks for an operator action (redrive, replay, backfill); the worker records <c>operator</c> without it.</summary>
    public const string ActorHeader = "X-Actor";

    private const string Service = "worker";

    public Task<ActionResult> SendMessageAsync(SendMessageRequest request, CancellationToken cancellationToken = default) =>
        ActAsync("send-message", request, cancellationToken);

    public Task<ActionResult> CreateTicketAsync(CreateTicketRequest request, CancellationToken cancellationToken = default) =>
        ActAsync("create-ticket", request, cancellationToken);

    public Task<ActionResult> RecordPaymentEventAsync(RecordPaymentEventRequest request, CancellationToken cancellationToken = default) =>
        ActAsync("record-payment-event", request, cancellationToken);

    /// <summary>At most <paramref name="limit"/> dead letters (1-500), oldest first; of one provider when given.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(string? provider = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        var path = $"api/dead-letters?limit={limit.ToString(CultureInfo.InvariantCulture)}{Query("&", "provider", provider)}";
        using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        return await ServiceAnswer.ReadAsync<List<DeadLetter>>(response, Service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues every dead letter (of one provider, when given) for another attempt.</summary>
    public Task<RedriveResult> RedriveAsync(string? provider = null, string? actor = null, CancellationToken cancellationToken = default) =>
        SendAsync<RedriveResult>(HttpMethod.Post, $"api/dead-letters/redrive{Query("?", "provider", provider)}", actor, cancellationToken);

    /// <summary>Queues a stored delivery to run its flow again; effects already done are skipped. 404 when there is no such delivery or a worker holds it.</summary>
    public async Task ReplayAsync(string provider, string deliveryId, string? actor = null, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Post, $"{DeliveryPath(provider, deliveryId)}/replay", actor);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ServiceAnswer.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What <see cref="ReplayAsync"/> would do, without doing it: calls no provider and changes nothing.</summary>
    public async Task<ReplayPreview> PreviewReplayAsync(string provider, string deliveryId, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"{DeliveryPath(provider, deliveryId)}/replay-preview", cancellationToken).ConfigureAwait(false);
        return await ServiceAnswer.ReadAsync<ReplayPreview>(response, Service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs gap recovery for <paramref name="source"/> now, looking back to <paramref name="since"/> (ISO 8601,
    /// checked by the worker) or, without it, to where the last run ended.
    /// </summary>
    public Task<BackfillResult> BackfillAsync(string source, string? since = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SendAsync<BackfillResult>(HttpMethod.Post, $"api/backfill/{Uri.EscapeDataString(source)}{Query("?", "since", since)}", actor, cancellationToken);
    }

    /// <summary>Runs gap recovery for every configured source; one result per source.</summary>
    public async Task<IReadOnlyList<BackfillResult>> BackfillAllAsync(string? actor = null, CancellationToken cancellationToken = default) =>
        await SendAsync<List<BackfillResult>>(HttpMethod.Post, "api/backfill", actor, cancellationToken).ConfigureAwait(false);

    private async Task<ActionResult> ActAsync<T>(string action, T request, CancellationToken cancellationToken)
        where T : IActionRequest
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await http.PostAsJsonAsync($"api/actions/{action}", request, JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false);
        return await ServiceAnswer.ReadAsync<ActionResult>(response, Service, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string? actor, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, actor);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ServiceAnswer.ReadAsync<T>(response, Service, cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? actor)
    {
        var request = new HttpRequestMessage(method, path);
        if (actor is not null)
        {
            request.Headers.Add(ActorHeader, actor);
        }

        return request;
    }

    private static string DeliveryPath(string provider, string deliveryId)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(deliveryId);
        return $"api/deliveries/{Uri.EscapeDataString(provider)}/{Uri.EscapeDataString(deliveryId)}";
    }

    private static string Query(string separator, string name, string? value) =>
        value is null ? "" : $"{separator}{name}={Uri.EscapeDataString(value)}";
}
