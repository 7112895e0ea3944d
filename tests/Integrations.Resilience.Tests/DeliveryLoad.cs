using System.Collections.Concurrent;

namespace Integrations.Resilience.Tests;

/// <summary>
/// Signed deliveries for all four flows at a constant arrival rate, sent the way providers send
/// them: each delivery is retried with the same id (and a fresh signature) until the receiver
/// acknowledges it, so a receiver that is down only delays it. Some acknowledged deliveries are
/// sent again, as Stripe and Slack do.
/// </summary>
/// <remarks>
/// Mix: 40 % GitHub <c>push</c> (Slack summary), 15 % GitHub <c>release</c> (release notes), 30 % Stripe
/// <c>checkout.session.completed</c> (record, activate at Stripe, Slack notice), 15 % help-desk
/// <c>support.export.updated</c> (support triage into GitHub issues).
/// </remarks>
public sealed class DeliveryLoad(Uri receiver, Guid supportConnection)
{
    public const string SupportFile = "1SupportHelpDeskSandbox2026";
    public const string SupportRepository = "acme/support-chaos";
    private const int MaxAttempts = 40;
    private static readonly string[] s_customers = ["cus_SandboxJane01", "cus_SandboxOmar02", "cus_SandboxMeiL03", "cus_SandboxAkir04", "cus_SandboxLena05"];

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        BaseAddress = receiver,
        Timeout = TimeSpan.FromSeconds(10),
    };

    private readonly ConcurrentDictionary<string, SentDelivery> _sent = new();
    private long _attempts;
    private long _refusedWhileDown;
    private long _duplicatesSent;
    private long _duplicatesAnswered;

    public IReadOnlyCollection<SentDelivery> Sent => [.. _sent.Values];

    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Attempts answered 5xx, timed out or not connected: retried, as a provider would.</summary>
    public long RefusedWhileDown => Interlocked.Read(ref _refusedWhileDown);

    public long DuplicatesSent => Interlocked.Read(ref _duplicatesSent);

    /// <summary>Repeats answered <c>200 duplicate: true</c>.</summary>
    public long DuplicatesAnswered => Interlocked.Read(ref _duplicatesAnswered);

    /// <summary>Sends <paramref name="perMinute"/> deliveries a minute for <paramref name="duration"/>, then waits for every send to end.</summary>
    /// <param name="more">Asked once <paramref name="duration"/> is over: the load goes on at the same rate while it
    /// answers true (the faults test keeps it up until every planned fault has happened under load).</param>
    public async Task RunAsync(int perMinute, TimeSpan duration, Func<bool> more, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(more);
        var count = (int)(perMinute * duration.TotalMinutes);
        var interval = TimeSpan.FromMinutes(1) / perMinute;
        var started = TimeProvider.System.GetTimestamp();
        var sends = new List<Task>(count);
        for (var i = 0; i < count || more(); i++)
        {
            var due = interval * i - TimeProvider.System.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            sends.Add(SendAsync(Next(i), repeat: i % 10 == 3, cancellationToken));
        }

        await Task.WhenAll(sends);
    }

    private SentDelivery Next(int i)
    {
        var id = Guid.NewGuid().ToString("N");
        return (i % 20) switch
        {
            < 8 => new SentDelivery("github", id, "push", [$"github:{id}:send_message"],
                GitHubDelivery.PushPayload($"acme/chaos-{i % 50}", commits: 1 + i % 3)),
            < 11 => new SentDelivery("github", id, "release", [$"github:{id}:send_message"],
                JsonSerializer.SerializeToUtf8Bytes(new
                {
                    action = "published",
                    release = new { tag_name = "v1.1.0", name = "v1.1.0" },
                    repository = new { full_name = "acme/widgets" },
                    sender = new { login = "octocat" },
                })),
            < 17 => Checkout($"evt_chaos_{id}", s_customers[i % s_customers.Length]),
            _ => new SentDelivery("support", $"msg_{id}", SupportTriageEvent, [],
                JsonSerializer.SerializeToUtf8Bytes(new
                {
                    type = SupportTriageEvent,
                    timestamp = DateTimeOffset.UtcNow,
                    data = new { connectionId = supportConnection, fileId = SupportFile, repository = SupportRepository },
                })),
        };
    }

    private const string SupportTriageEvent = "support.export.updated";

    private static SentDelivery Checkout(string eventId, string customer) =>
        new("stripe", eventId, "checkout.session.completed", [$"stripe:{eventId}:activate_customer", $"stripe:{eventId}:send_message"],
            Webhooks.StripeCheckoutCompleted(eventId, $"cs_test_chaos_{eventId[^12..]}", customer, ($"{customer[^6..].ToLowerInvariant()}@example.com", "Pro", 4900, "usd")));

    private HttpRequestMessage Sign(SentDelivery delivery) => delivery.Provider switch
    {
        "github" => GitHubDelivery.Request(delivery.Body, delivery.DeliveryId, GitHubDelivery.Sign(delivery.Body, StackFixture.GitHubWebhookSecret), delivery.EventType),
        "stripe" => Webhooks.Stripe(delivery.Body, StackFixture.StripeWebhookSecret),
        _ => Webhooks.Standard("support", delivery.DeliveryId, delivery.Body, StackFixture.SupportWebhookSecret),
    };

    private async Task SendAsync(SentDelivery delivery, bool repeat, CancellationToken cancellationToken)
    {
        _sent[delivery.Key] = delivery;
        delivery.Outcome = await DeliverAsync(delivery, cancellationToken);
        if (repeat && delivery.Outcome is DeliveryOutcome.Accepted or DeliveryOutcome.AcceptedAsDuplicate)
        {
            Interlocked.Increment(ref _duplicatesSent);
            if (await DeliverAsync(delivery, cancellationToken) == DeliveryOutcome.AcceptedAsDuplicate)
            {
                Interlocked.Increment(ref _duplicatesAnswered);
            }
        }
    }

    private async Task<DeliveryOutcome> DeliverAsync(SentDelivery delivery, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            Interlocked.Increment(ref _attempts);
            try
            {
                using var request = Sign(delivery);
                using var response = await _http.SendAsync(request, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return DeliveryOutcome.Accepted;
                }

                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return DeliveryOutcome.AcceptedAsDuplicate;
                }

                if ((int)response.StatusCode < 500)
                {
                    delivery.Refusal = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
                    return DeliveryOutcome.Refused;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }

            Interlocked.Increment(ref _refusedWhileDown);
            await Task.Delay(backoff, cancellationToken);
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 4000));
        }

        return DeliveryOutcome.GaveUp;
    }
}

public enum DeliveryOutcome
{
    Pending,
    Accepted,
    /// <summary>200 <c>duplicate: true</c> on the first answer the sender saw: an earlier attempt was stored but its answer was lost.</summary>
    AcceptedAsDuplicate,
    /// <summary>A 4xx: the delivery was judged invalid (a defect in this test or the receiver).</summary>
    Refused,
    /// <summary>No acknowledgement after every attempt.</summary>
    GaveUp,
}

/// <summary>One delivery the load sent, with the effect keys its flow must leave exactly once.</summary>
public sealed record SentDelivery(string Provider, string DeliveryId, string EventType, IReadOnlyList<string> EffectKeys, byte[] Body)
{
    public string Key => $"{Provider}:{DeliveryId}";

    public DeliveryOutcome Outcome { get; set; }

    public string? Refusal { get; set; }

    public bool Acknowledged => Outcome is DeliveryOutcome.Accepted or DeliveryOutcome.AcceptedAsDuplicate;
}
