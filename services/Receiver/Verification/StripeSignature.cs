using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Stripe;

namespace Integrations.Receiver.Verification;

/// <summary>
/// Stripe: <c>Stripe-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;[,v1=&lt;hex&gt;…]</c>, HMAC-SHA256 of
/// <c>t + "." + raw body</c> with the endpoint secret, 300 s tolerance. Verification is Stripe.net's
/// own (<see cref="EventUtility.ValidateSignature(string, string, string, long, long)"/> and
/// <see cref="EventUtility.ConstructEvent(string, string, string, long, long, bool)"/>), which accepts
/// any of several <c>v1</c> values. The header is pre-parsed here only so a malformed header gets 400
/// and a stale one a precise 401. The active secrets are this deployment's: test-mode secrets in
/// <c>sandbox</c>, live-mode secrets in <c>live</c>, and an event's <c>livemode</c> must agree.
/// The delivery id is the event id; Stripe retries and duplicates keep it.
/// </summary>
public sealed class StripeSignature : IWebhookScheme
{
    public const string HeaderName = "Stripe-Signature";
    public const long ToleranceSeconds = 300;

    public string Name => "stripe";

    public bool AcceptsForms => false;

    public IReadOnlyList<string> ReplayHeaders { get; } = ["Content-Type", "User-Agent", HeaderName];

    public Rejection? CheckHeaders(IHeaderDictionary headers) =>
        ParseHeader(headers[HeaderName].ToString()) is null
            ? Rejection.BadHeaders($"{HeaderName} must be 't=<unix seconds>' with at least one 'v1=<64 hex digits>'.")
            : null;

    public Verification Verify(IHeaderDictionary headers, byte[] body, IReadOnlyList<string> secrets, WebhookContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = headers[HeaderName].ToString();
        if (ParseHeader(header) is not { } timestamp)
        {
            return Verification.Reject(Rejection.BadHeaders($"{HeaderName} is required."));
        }

        if (!Hmac.WithinTolerance(timestamp, context.Now, TimeSpan.FromSeconds(ToleranceSeconds)))
        {
            return Verification.Reject(Rejection.StaleTimestamp(TimeSpan.FromSeconds(ToleranceSeconds)));
        }

        // Stripe.net verifies a string, and bytes that are not UTF-8 do not survive the conversion:
        // such a body (never a Stripe event) is verified over its raw bytes, so that a valid
        // signature over it is a 400 like any other non-JSON body, and a bad one still a 401.
        if (!Utf8.IsValid(body))
        {
            var (signedTimestamp, signatures) = SignedParts(header);
            return Verification.Reject(Hmac.AnyMatches(Hmac.Utf8Keys(secrets), Encoding.UTF8.GetBytes(signedTimestamp + "."), body, signatures)
                ? Rejection.NotJson()
                : Rejection.BadSignature(HeaderName));
        }

        var json = Encoding.UTF8.GetString(body);
        var now = context.Now.ToUnixTimeSeconds();
        string? matched = null;
        foreach (var secret in secrets)
        {
            try
            {
                EventUtility.ValidateSignature(json, header, secret, ToleranceSeconds, now);
                matched ??= secret;
            }
            catch (StripeException)
            {
                // This secret does not sign the body; try the next (rotation keeps several active).
            }
        }

        if (matched is null)
        {
            return Verification.Reject(Rejection.BadSignature(HeaderName));
        }

        if (!JsonBody.IsDocument(body))
        {
            return Verification.Reject(Rejection.NotJson());
        }

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, header, matched, ToleranceSeconds, now, throwOnApiVersionMismatch: false);
        }
        catch (Exception ex) when (ex is StripeException or Newtonsoft.Json.JsonException or ArgumentException or FormatException)
        {
            return Verification.Reject(Rejection.NotJson("The body is not a Stripe event."));
        }

        if (string.IsNullOrEmpty(stripeEvent.Id) || string.IsNullOrEmpty(stripeEvent.Type) || stripeEvent.Id.Length > 255)
        {
            return Verification.Reject(Rejection.NotJson("A Stripe event needs an id and a type."));
        }

        var expectLive = context.Environment == "live";
        if (stripeEvent.Livemode != expectLive)
        {
            return Verification.Reject(new Rejection(
                StatusCodes.Status400BadRequest,
                "Wrong Stripe mode.",
                $"This endpoint takes {(expectLive ? "live" : "test")}-mode events; the event has livemode={stripeEvent.Livemode.ToString().ToLowerInvariant()}."));
        }

        return Verification.Accept(new VerifiedDelivery(stripeEvent.Id, stripeEvent.Type, new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc))));
    }

    /// <summary>The header's timestamp when it has a <c>t=</c> and at least one well-formed <c>v1=</c>; otherwise <c>null</c>.</summary>
    public static long? ParseHeader(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        long? timestamp = null;
        var signatures = 0;
        foreach (var part in header.Split(','))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                return null;
            }

            var (key, value) = (part[..equals].Trim(), part[(equals + 1)..].Trim());
            if (key == "t")
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                {
                    return null;
                }

                timestamp = t;
            }
            else if (key == "v1" && Hmac.FromHex(value) is not null)
            {
                signatures++;
            }
        }

        return signatures > 0 ? timestamp : null;
    }

    /// <summary>The header's <c>t</c> exactly as sent (it is what was signed) and its well-formed <c>v1</c> values.</summary>
    private static (string Timestamp, List<byte[]> Signatures) SignedParts(string header)
    {
        var timestamp = "";
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var equals = part.IndexOf('=');
            var (key, value) = (part[..Math.Max(equals, 0)].Trim(), part[(equals + 1)..].Trim());
            if (key == "t")
            {
                timestamp = value;
            }
            else if (key == "v1" && Hmac.FromHex(value) is { } signature)
            {
                signatures.Add(signature);
            }
        }

        return (timestamp, signatures);
    }

    public static string Sign(ReadOnlySpan<byte> body, long timestamp, string secret) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={EventUtility.ComputeSignature(secret, timestamp.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetString(body))}";
}
