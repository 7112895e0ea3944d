using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Integrations.Worker.Backfill;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Stripe;

/// <summary>
/// Reads Stripe's event list, <c>GET /v1/events</c>, with the secret key, newest first, page by page with
/// <c>starting_after</c> while <c>has_more</c>. Each event is kept as the exact JSON Stripe answered, which
/// is what a webhook of it carries, so a recovered event is stored as the receiver would have stored it.
/// Stripe.net is not used here: it would parse each event into its model and lose the exact body.
/// </summary>
public sealed class StripeEventList(HttpClient http, IOptions<StripeOptions> options)
{
    /// <summary>Every event created at or after <paramref name="since"/>, newest first.</summary>
    public async Task<IReadOnlyList<StripeListedEvent>> ListSinceAsync(DateTimeOffset since, int pageSize, CancellationToken cancellationToken)
    {
        var events = new List<StripeListedEvent>();
        string? startingAfter = null;
        var gte = since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        while (true)
        {
            var path = $"v1/events?limit={pageSize}&created%5Bgte%5D={gte}" + (startingAfter is null ? "" : $"&starting_after={Uri.EscapeDataString(startingAfter)}");
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.SecretKey);
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new BackfillProviderException("stripe", $"GET /v1/events answered {(int)response.StatusCode} ({ErrorOf(body)}).");
            }

            using var page = JsonDocument.Parse(body);
            var data = page.RootElement.GetProperty("data");
            foreach (var item in data.EnumerateArray())
            {
                events.Add(new StripeListedEvent(
                    item.GetProperty("id").GetString()!,
                    item.GetProperty("type").GetString()!,
                    DateTimeOffset.FromUnixTimeSeconds(item.GetProperty("created").GetInt64()),
                    Encoding.UTF8.GetBytes(item.GetRawText())));
            }

            if (!page.RootElement.GetProperty("has_more").GetBoolean() || data.GetArrayLength() == 0)
            {
                return events;
            }

            startingAfter = events[^1].Id;
        }
    }

    /// <summary>Stripe's error type and code; never its message, which may quote part of a key.</summary>
    private static string ErrorOf(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var error)
                ? $"{(error.TryGetProperty("type", out var type) ? type.GetString() : "error")}{(error.TryGetProperty("code", out var code) ? "/" + code.GetString() : "")}"
                : "no error body";
        }
        catch (JsonException)
        {
            return "no error body";
        }
    }
}
