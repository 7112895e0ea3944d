using System.Net.Http.Headers;
using CsCheck;

namespace Integrations.Resilience.Tests;

/// <summary>
/// Generated bad webhook requests, each with the status docs/webhooks.md documents for it. The
/// receiver checks in a fixed order (unknown source 404, content type 415, headers 400, size 413,
/// timestamp and signature 401, body 400); each case is wrong in exactly one way, so exactly one
/// status is right. Every case carries a fresh delivery id, so the test can prove none was stored.
/// </summary>
public sealed record BadInput(string Category, string Source, HttpStatusCode Expected, string DeliveryId, string Detail, Func<HttpRequestMessage> Build)
{
    public const long MaxBodyBytes = 1024 * 1024;

    public static readonly string[] SignedSources = ["github", "stripe", "slack", "fuzz"];
    public static readonly string[] TimestampedSources = ["stripe", "slack", "fuzz"];
    public static readonly string[] KnownSources = ["github", "stripe", "slack", "fuzz", "acme"];

    public override string ToString() => $"{Category} {Source} → {(int)Expected} ({Detail}, id {DeliveryId})";

    /// <summary>Every category, weighted so that the cheap ones dominate and oversized bodies stay a few percent.</summary>
    public static Gen<BadInput> Any => Gen.Frequency(
        (10, Forged),
        (10, Truncated),
        (8, OverOtherBody),
        (8, ReplayedWithChangedBody),
        (8, StaleTimestamp),
        (8, FutureTimestamp),
        (3, Oversized),
        (8, Binary),
        (6, DeeplyNested),
        (16, MalformedHeaders),
        (8, WrongContentType),
        (7, UnknownSource));

    private static Gen<string> Id { get; } = Gen.Guid.Select(g => g.ToString("N"));

    private static Gen<(string Source, string Id)> Signed { get; } = Gen.Select(Gen.OneOfConst(SignedSources), Id);

    private static Gen<BadInput> Forged { get; } =
        from x in Signed
        from wrong in Gen.Byte.Array[16, 48]
        select Case("forged-signature", x.Source, HttpStatusCode.Unauthorized, x.Id, $"{wrong.Length}-byte wrong key",
            () => Sign(x.Source, x.Id, Body(x.Source, x.Id), Webhooks.Now, WrongSecret(x.Source, wrong)));

    private static Gen<BadInput> Truncated { get; } =
        from x in Signed
        from keep in Gen.Double.Unit
        select Case("truncated-signature", x.Source, HttpStatusCode.BadRequest, x.Id, $"kept {keep:P0}", () =>
        {
            var request = Sign(x.Source, x.Id, Body(x.Source, x.Id), Webhooks.Now);
            var header = SignatureHeader(x.Source);
            var value = request.Headers.GetValues(header).Single();
            Replace(request, header, value[..(int)(keep * (value.Length - 1))]);
            return request;
        });

    private static Gen<BadInput> OverOtherBody { get; } =
        from x in Signed
        from other in Id
        select Case("signature-over-other-body", x.Source, HttpStatusCode.Unauthorized, x.Id, $"signed body of {other}", () =>
        {
            var body = Body(x.Source, x.Id);
            var signed = Sign(x.Source, x.Id, Body(x.Source, other), Webhooks.Now);
            signed.Content = Json(body);
            return signed;
        });

    private static Gen<BadInput> ReplayedWithChangedBody { get; } =
        from x in Signed
        from position in Gen.Double.Unit
        from replacement in Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789 "]
        select Case("replayed-signature-changed-body", x.Source, HttpStatusCode.Unauthorized, x.Id, $"byte at {position:P0} → '{replacement}'", () =>
        {
            var body = Body(x.Source, x.Id);
            var request = Sign(x.Source, x.Id, body, Webhooks.Now);
            var changed = (byte[])body.Clone();
            var at = (int)(position * (changed.Length - 1));
            changed[at] = changed[at] == (byte)replacement ? (byte)'~' : (byte)replacement;
            request.Content = Json(changed);
            return request;
        });

    private static Gen<BadInput> StaleTimestamp { get; } =
        from source in Gen.OneOfConst(TimestampedSources)
        from id in Id
        from age in Gen.Long[310, 10_000_000]
        select Case("stale-timestamp", source, HttpStatusCode.Unauthorized, id, $"{age} s old",
            () => Sign(source, id, Body(source, id), Webhooks.Now - age));

    private static Gen<BadInput> FutureTimestamp { get; } =
        from source in Gen.OneOfConst(TimestampedSources)
        from id in Id
        from ahead in Gen.Long[310, 10_000_000]
        select Case("future-timestamp", source, HttpStatusCode.Unauthorized, id, $"{ahead} s ahead",
            () => Sign(source, id, Body(source, id), Webhooks.Now + ahead));

    /// <summary>Validly signed JSON over the 1 MiB default limit (GitHub's is 25 MiB, so it is left out).</summary>
    private static Gen<BadInput> Oversized { get; } =
        from source in Gen.OneOfConst(TimestampedSources)
        from id in Id
        from extra in Gen.Frequency((1, Gen.Const(1)), (3, Gen.Int[2, 256 * 1024]))
        select Case("oversized-body", source, HttpStatusCode.RequestEntityTooLarge, id, $"{MaxBodyBytes + extra} bytes",
            () => Sign(source, id, Padded(Body(source, id), (int)MaxBodyBytes + extra), Webhooks.Now));

    /// <summary>Validly signed bytes that are not JSON (a NUL byte is never valid JSON).</summary>
    private static Gen<BadInput> Binary { get; } =
        from x in Signed
        from bytes in Gen.Byte.Array[1, 4096]
        from at in Gen.Double.Unit
        select Case("binary-body", x.Source, HttpStatusCode.BadRequest, x.Id, $"{bytes.Length} random bytes", () =>
        {
            var body = (byte[])bytes.Clone();
            body[(int)(at * (body.Length - 1))] = 0;
            return Sign(x.Source, x.Id, body, Webhooks.Now);
        });

    /// <summary>Validly signed JSON nested deeper than the receiver's 64 levels.</summary>
    private static Gen<BadInput> DeeplyNested { get; } =
        from x in Signed
        from depth in Gen.Int[65, 50_000]
        select Case("deeply-nested-body", x.Source, HttpStatusCode.BadRequest, x.Id, $"depth {depth}", () =>
        {
            var prefix = Encoding.UTF8.GetString(Body(x.Source, x.Id))[..^1];
            var nested = new StringBuilder(prefix).Append(",\"deep\":");
            nested.Insert(nested.Length, "{\"a\":", depth - 1).Append("{}").Append('}', depth);
            return Sign(x.Source, x.Id, Encoding.UTF8.GetBytes(nested.ToString()), Webhooks.Now);
        });

    private static readonly string[] HeaderFaults = ["missing", "empty", "garbage", "duplicate", "non-ascii"];

    private static Gen<BadInput> MalformedHeaders { get; } =
        from x in Signed
        from fault in Gen.OneOfConst(HeaderFaults)
        from which in Gen.Int[0, 2]
        from garbage in Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~;:/?@[]()"], 1, 200]
        let headers = fault is "missing" or "empty" ? RequiredHeaders(x.Source) : FormattedHeaders(x.Source)
        let header = headers[which % headers.Length]
        select Case("malformed-headers", x.Source, HttpStatusCode.BadRequest, x.Id, $"{fault} {header}", () =>
        {
            var request = Sign(x.Source, x.Id, Body(x.Source, x.Id), Webhooks.Now);
            var valid = request.Headers.GetValues(header).Single();
            switch (fault)
            {
                case "missing":
                    request.Headers.Remove(header);
                    break;
                case "empty":
                    Replace(request, header, "");
                    break;
                case "garbage":
                    Replace(request, header, "x" + garbage);
                    break;
                case "duplicate":
                    request.Headers.Remove(header);
                    request.Headers.TryAddWithoutValidation(header, [valid, "x" + garbage]);
                    break;
                default:
                    Replace(request, header, valid[..(valid.Length / 2)] + "é٣" + valid[(valid.Length / 2)..]);
                    break;
            }

            return request;
        });

    private static readonly string?[] WrongContentTypes =
    [
        null, "text/plain", "text/json", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/octet-stream", "application/jsonx", "json", "application/", "*/*", "text/html; charset=utf-8",
    ];

    /// <summary>GitHub (a hook set to form encoding) and Slack (slash commands, interactions) may also send forms.</summary>
    private static readonly string[] s_formSources = ["github", "slack"];

    private static Gen<BadInput> WrongContentType { get; } =
        from x in Signed
        from contentType in Gen.OneOfConst(WrongContentTypes)
        where contentType != "application/x-www-form-urlencoded" || !s_formSources.Contains(x.Source)
        select Case("wrong-content-type", x.Source, HttpStatusCode.UnsupportedMediaType, x.Id, contentType ?? "(none)", () =>
        {
            var request = Sign(x.Source, x.Id, Body(x.Source, x.Id), Webhooks.Now);
            request.Content!.Headers.Remove("Content-Type");
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            return request;
        });

    private static Gen<BadInput> UnknownSource { get; } =
        from x in Signed
        from name in Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_~éüß漢"], 1, 64]
            .Where(n => !KnownSources.Contains(n, StringComparer.OrdinalIgnoreCase))
        select Case("unknown-source", name, HttpStatusCode.NotFound, x.Id, $"signed as {x.Source}", () =>
        {
            var request = Sign(x.Source, x.Id, Body(x.Source, x.Id), Webhooks.Now);
            request.RequestUri = new Uri($"/webhooks/{Uri.EscapeDataString(name)}", UriKind.Relative);
            return request;
        });

    private static BadInput Case(string category, string source, HttpStatusCode expected, string id, string detail, Func<HttpRequestMessage> build) =>
        new(category, source, expected, DeliveryIdFor(source, id), detail, build);

    /// <summary>The id the receiver would store the delivery under, were it accepted.</summary>
    private static string DeliveryIdFor(string source, string id) => source switch
    {
        "stripe" => $"evt_{id}",
        "slack" => $"Ev{id}",
        "fuzz" => $"msg_{id}",
        _ => id,
    };

    /// <summary>A valid event body for the source, naming its delivery id.</summary>
    public static byte[] Body(string source, string id) => source switch
    {
        "github" => GitHubDelivery.PushPayload($"acme/bad-{id[..8]}"),
        "stripe" => Webhooks.StripeCustomerUpdated($"evt_{id}", $"cus_{id}", "bad@example.com", Webhooks.Now),
        "slack" => Webhooks.SlackEvent($"Ev{id}"),
        _ => Encoding.UTF8.GetBytes("{\"type\":\"invoice.paid\",\"id\":\"msg_" + id + "\",\"data\":{}}"),
    };

    /// <summary>The request as the provider would send it, signed over <paramref name="body"/> at <paramref name="timestamp"/>.</summary>
    public static HttpRequestMessage Sign(string source, string id, byte[] body, long timestamp, string? secret = null) => source switch
    {
        "github" => GitHubDelivery.Request(body, id, GitHubDelivery.Sign(body, secret ?? StackFixture.GitHubWebhookSecret)),
        "stripe" => Webhooks.Stripe(body, secret ?? StackFixture.StripeWebhookSecret, timestamp),
        "slack" => Webhooks.Slack(body, secret ?? StackFixture.SlackSigningSecret, timestamp),
        _ => Webhooks.Standard(source, $"msg_{id}", body, secret ?? ResilienceStack.FuzzWebhookSecret, timestamp),
    };

    private static string WrongSecret(string source, byte[] key) => source == "fuzz"
        ? "whsec_" + Convert.ToBase64String(key)
        : Convert.ToHexStringLower(key);

    private static string SignatureHeader(string source) => source switch
    {
        "github" => "X-Hub-Signature-256",
        "stripe" => "Stripe-Signature",
        "slack" => "X-Slack-Signature",
        _ => "webhook-signature",
    };

    /// <summary>The headers each scheme requires: missing or empty, each is a 400.</summary>
    private static string[] RequiredHeaders(string source) => source switch
    {
        "github" => ["X-Hub-Signature-256", "X-GitHub-Event", "X-GitHub-Delivery"],
        "stripe" => ["Stripe-Signature"],
        "slack" => ["X-Slack-Signature", "X-Slack-Request-Timestamp"],
        _ => ["webhook-timestamp", "webhook-signature", "webhook-id"],
    };

    /// <summary>
    /// The headers with a fixed format (signatures, timestamps): garbage, a second value or a
    /// non-ASCII character in them is a 400. Free-form ones (an event name, a delivery id) are not
    /// faulted that way, since any text there is well-formed and only the signature can tell.
    /// </summary>
    private static string[] FormattedHeaders(string source) => source switch
    {
        "github" => ["X-Hub-Signature-256"],
        "stripe" => ["Stripe-Signature"],
        "slack" => ["X-Slack-Signature", "X-Slack-Request-Timestamp"],
        _ => ["webhook-timestamp", "webhook-signature"],
    };

    private static void Replace(HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>The body with a padding member that makes it exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Padded(byte[] body, int size)
    {
        var open = Encoding.UTF8.GetString(body)[..^1] + ",\"pad\":\"";
        return Encoding.UTF8.GetBytes(open + new string('x', size - Encoding.UTF8.GetByteCount(open) - 2) + "\"}");
    }
}
