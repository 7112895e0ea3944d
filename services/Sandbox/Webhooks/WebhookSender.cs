using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Integrations.Sandbox.Webhooks;

/// <summary>
/// POSTs signed webhooks to the receiver's <c>/webhooks/{provider}</c>, the way the provider would, and
/// records each in the provider's own log (<see cref="StripeEventLog"/>, <see cref="GitHubHookDeliveries"/>)
/// so that the providers' list APIs can show it. A dropped webhook is recorded as sent but never reaches
/// the receiver: a delivery the provider lost, for gap recovery to find.
/// </summary>
public sealed class WebhookSender(HttpClient http, IOptions<SandboxOptions> options, TimeProvider time, StripeEventLog stripeEvents, GitHubHookDeliveries hookDeliveries)
{
    /// <summary>Whether <paramref name="provider"/> is a Standard Webhooks source the sandbox signs for.</summary>
    public bool IsStandardSource(string provider) => options.Value.StandardSources.ContainsKey(provider);

    /// <summary>
    /// Whether the sandbox can sign as <paramref name="provider"/>: not for a Standard Webhooks source
    /// configured with a <c>whpk_</c> public key, whose signing key only its sender holds.
    /// </summary>
    public bool CanSign(string provider) =>
        !IsStandardSource(provider) || options.Value.StandardSources[provider].StartsWith("whsec_", StringComparison.Ordinal);

    public string? SecretFor(string provider) => provider switch
    {
        "github" => options.Value.GitHubWebhookSecret,
        "stripe" => options.Value.StripeWebhookSecret,
        "slack" => options.Value.SlackSigningSecret,
        _ => options.Value.StandardSources.GetValueOrDefault(provider),
    } is { Length: > 0 } secret ? secret : null;

    /// <summary>Sends one copy of <paramref name="webhook"/>, or with <paramref name="drop"/> only records it as sent.</summary>
    public async Task<SentWebhook> SendAsync(OutgoingWebhook webhook, int copy, bool drop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        if (webhook.Provider == "stripe")
        {
            stripeEvents.Record(webhook);
        }

        var started = time.GetTimestamp();
        var sent = drop
            ? new SentWebhook(webhook.Provider, webhook.EventType, webhook.DeliveryId, copy, 0, JsonSerializer.Deserialize<JsonElement>(webhook.Json ?? webhook.Body), null, Dropped: true)
            : await PostAsync(webhook, copy, cancellationToken);
        if (webhook.Provider == "github")
        {
            hookDeliveries.Record(webhook, redelivery: copy > 0, sent.Status, time.GetElapsedTime(started));
        }

        return sent;
    }

    /// <summary>
    /// <c>POST …/deliveries/{id}/attempts</c>: sends the delivery's webhook again, the same body and
    /// <c>X-GitHub-Delivery</c>, and logs the attempt as a redelivery.
    /// </summary>
    public async Task<HookDelivery> RedeliverAsync(HookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var started = time.GetTimestamp();
        var sent = await PostAsync(delivery.Webhook, copy: 0, cancellationToken);
        return hookDeliveries.Record(delivery.Webhook, redelivery: true, sent.Status, time.GetElapsedTime(started));
    }

    private async Task<SentWebhook> PostAsync(OutgoingWebhook webhook, int copy, CancellationToken cancellationToken)
    {
        var secret = SecretFor(webhook.Provider) ?? throw new InvalidOperationException($"No signing secret for {webhook.Provider}.");

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{webhook.Provider}") { Content = new ByteArrayContent(webhook.Body) };
        request.Content.Headers.ContentType = webhook.Json is null ? new MediaTypeHeaderValue(webhook.MediaType) { CharSet = "utf-8" } : new MediaTypeHeaderValue(webhook.MediaType);
        foreach (var (name, value) in WebhookSigner.Headers(webhook, secret, time.GetUtcNow().ToUnixTimeSeconds()))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var payload = JsonSerializer.Deserialize<JsonElement>(webhook.Json ?? webhook.Body);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement? answer = null;
            try
            {
                answer = text.Length > 0 ? JsonSerializer.Deserialize<JsonElement>(text) : null;
            }
            catch (JsonException)
            {
                answer = JsonSerializer.SerializeToElement(text);
            }

            return new SentWebhook(webhook.Provider, webhook.EventType, webhook.DeliveryId, copy, (int)response.StatusCode, payload, answer);
        }
        catch (HttpRequestException ex)
        {
            return new SentWebhook(webhook.Provider, webhook.EventType, webhook.DeliveryId, copy, 0, payload, JsonSerializer.SerializeToElement(ex.Message));
        }
    }
}
