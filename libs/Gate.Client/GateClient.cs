using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Integrations.Gate.Client;

/// <summary>
/// Typed client for the gate. Idempotency answers (<c>new</c>, <c>in_progress</c>, <c>completed</c>,
/// <c>mismatch</c>, a lost lease) are returned as values, because callers branch on them; anything
/// else, including 503 when the gate cannot reach Redis, throws, so a caller never proceeds on a guess.
/// </summary>
public sealed class GateClient(HttpClient http)
{
    /// <summary>The <see cref="SettleResult.Status"/> when the caller's lease was taken over or never existed.</summary>
    public const string LeaseLost = "lease_lost";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    public async Task<BeginResult> BeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        using var response = await PostAsync("api/idempotency/begin", request, GateJsonContext.Default.BeginRequest, cancellationToken).ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.UnprocessableEntity:
                return new BeginResult(IdempotencyStatus.Mismatch);
            case HttpStatusCode.OK or HttpStatusCode.Conflict:
                return await ReadAsync(response, GateJsonContext.Default.BeginResult, cancellationToken).ConfigureAwait(false);
            default:
                response.EnsureSuccessStatusCode();
                throw new HttpRequestException($"The gate answered begin with {(int)response.StatusCode}.");
        }
    }

    /// <summary>
    /// Many begins in one request; the gate pipelines them to Redis. Answers are in request order, each
    /// a value as <see cref="BeginAsync"/> returns it (a mismatch is <see cref="IdempotencyStatus.Mismatch"/>).
    /// </summary>
    public async Task<IReadOnlyList<BeginResult>> BeginManyAsync(IReadOnlyList<BeginRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);

        using var response = await PostAsync("api/idempotency/begin/batch", requests, GateJsonContext.Default.IReadOnlyListBeginRequest, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response, GateJsonContext.Default.ListBeginResult, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Many completes in one request; answers in request order, a stale lease as <see cref="LeaseLost"/>.</summary>
    public async Task<IReadOnlyList<SettleResult>> CompleteManyAsync(IReadOnlyList<CompleteRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);

        using var response = await PostAsync("api/idempotency/complete/batch", requests, GateJsonContext.Default.IReadOnlyListCompleteRequest, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response, GateJsonContext.Default.ListSettleResult, cancellationToken).ConfigureAwait(false);
    }

    public Task<SettleResult> CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SettleAsync("api/idempotency/complete", request, GateJsonContext.Default.CompleteRequest, cancellationToken);
    }

    public Task<SettleResult> FailAsync(FailRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SettleAsync("api/idempotency/fail", request, GateJsonContext.Default.FailRequest, cancellationToken);
    }

    public async Task<RateLimitDecision> DecideAsync(RateLimitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        using var response = await PostAsync("api/ratelimits/decisions", request, GateJsonContext.Default.RateLimitRequest, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response, GateJsonContext.Default.RateLimitDecision, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Many decisions in one request; the gate pipelines them to Redis. Answers are in request order.</summary>
    public async Task<IReadOnlyList<RateLimitDecision>> DecideManyAsync(
        IReadOnlyList<RateLimitRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);

        using var response = await PostAsync("api/ratelimits/decisions/batch", requests, GateJsonContext.Default.IReadOnlyListRateLimitRequest, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response, GateJsonContext.Default.ListRateLimitDecision, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RateLimitPause> ReportAsync(ProviderResponseReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);

        using var response = await PostAsync("api/ratelimits/reports", report, GateJsonContext.Default.ProviderResponseReport, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response, GateJsonContext.Default.RateLimitPause, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reports a provider's response, taking <c>Retry-After</c> and <c>X-RateLimit-*</c> from its headers;
    /// <paramref name="rateLimited"/> marks a rate limit the status code does not show (GitHub's secondary-limit 403).
    /// </summary>
    public Task<RateLimitPause> ReportAsync(
        string provider,
        string connection,
        HttpResponseMessage providerResponse,
        bool rateLimited = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(providerResponse);

        return ReportAsync(
            new ProviderResponseReport(
                provider,
                connection,
                (int)providerResponse.StatusCode,
                providerResponse.Headers.RetryAfter?.ToString(),
                Header(providerResponse, "X-RateLimit-Remaining"),
                Header(providerResponse, "X-RateLimit-Reset"),
                rateLimited),
            cancellationToken);
    }

    private async Task<SettleResult> SettleAsync<T>(string path, T request, JsonTypeInfo<T> requestType, CancellationToken cancellationToken)
    {
        using var response = await PostAsync(path, request, requestType, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return new SettleResult(LeaseLost);
        }

        response.EnsureSuccessStatusCode();
        return await ReadAsync(response, GateJsonContext.Default.SettleResult, cancellationToken).ConfigureAwait(false);
    }

    // Serialised up front so the request carries a Content-Length; JsonContent would stream it chunked,
    // which costs both sides more per request than the copy.
    private async Task<HttpResponseMessage> PostAsync<T>(string path, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = JsonMediaType;
        return await http.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The gate answered without a body.");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
