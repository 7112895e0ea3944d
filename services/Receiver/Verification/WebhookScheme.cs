namespace Integrations.Receiver.Verification;

/// <summary>
/// One signature scheme (GitHub, Stripe, Slack, Standard Webhooks): the one place that knows its
/// headers, how it signs, and how it names deliveries. The receiver calls <see cref="CheckHeaders"/>
/// before reading the body and <see cref="Verify"/> on the raw bytes; nothing is parsed as JSON
/// before the signature has been checked.
/// </summary>
public interface IWebhookScheme
{
    /// <summary>The scheme's name in configuration: <c>github</c>, <c>stripe</c>, <c>slack</c> or <c>standard</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Whether the scheme also takes <c>application/x-www-form-urlencoded</c> bodies (GitHub's form content
    /// type, Slack's slash commands and interactions) besides JSON; other content types get 415.
    /// </summary>
    bool AcceptsForms { get; }

    /// <summary>
    /// The request headers stored with a delivery so that it can be replayed and re-verified. A delivery
    /// whose stored body is not its raw body (<see cref="VerifiedDelivery.StoredBody"/>) cannot be re-verified.
    /// </summary>
    IReadOnlyList<string> ReplayHeaders { get; }

    /// <summary>Returns a 400 rejection when a required header is missing or malformed; otherwise <c>null</c>.</summary>
    Rejection? CheckHeaders(IHeaderDictionary headers);

    /// <summary>Verifies signature and timestamp over <paramref name="body"/>, then reads the delivery's identity.</summary>
    Verification Verify(IHeaderDictionary headers, byte[] body, IReadOnlyList<string> secrets, WebhookContext context);
}

/// <summary>What a scheme needs to know beyond the request.</summary>
/// <param name="Now">The current time, for timestamp tolerance.</param>
/// <param name="Environment"><c>sandbox</c> or <c>live</c>; Stripe's <c>livemode</c> must match it.</param>
public sealed record WebhookContext(DateTimeOffset Now, string Environment);

/// <summary>A refusal, as problem details: status, title and a detail that never holds a secret or an expected signature.</summary>
public sealed record Rejection(int Status, string Title, string Detail)
{
    public static Rejection BadHeaders(string detail) => new(StatusCodes.Status400BadRequest, "Missing or malformed headers.", detail);

    public static Rejection BadSignature(string header) => new(StatusCodes.Status401Unauthorized, "Invalid signature.", $"{header} does not match the body for any active secret.");

    public static Rejection StaleTimestamp(TimeSpan tolerance) => new(StatusCodes.Status401Unauthorized, "Stale or future timestamp.", $"The delivery's timestamp is more than {tolerance.TotalSeconds:F0} s from now.");

    public static Rejection NulCharacter(string where) => new(StatusCodes.Status400BadRequest, "NUL character.", $"The delivery's {where} holds a NUL character (\\u0000), which is never stored.");

    public static Rejection NotJson(string detail = "The signature is valid but the body is not a JSON document.") => new(StatusCodes.Status400BadRequest, "Body is not valid JSON.", detail);

    public static Rejection NotForm(string detail) => new(StatusCodes.Status400BadRequest, "Form body not understood.", detail);
}

/// <summary>The outcome of <see cref="IWebhookScheme.Verify"/>: exactly one of its properties is set.</summary>
public sealed record Verification(VerifiedDelivery? Delivery, Rejection? Rejection, string? Challenge)
{
    public static Verification Accept(VerifiedDelivery delivery) => new(delivery, null, null);

    public static Verification Reject(Rejection rejection) => new(null, rejection, null);

    /// <summary>Slack's <c>url_verification</c>: answer with the challenge, store nothing.</summary>
    public static Verification AnswerChallenge(string challenge) => new(null, null, challenge);
}

/// <summary>A verified delivery's identity: the dedup key (with the provider) and what it is about.</summary>
/// <param name="StoredBody">
/// The JSON stored and handed to the flows in place of the raw body, when that is a form: a GitHub form
/// delivery's or a Slack interaction's <c>payload</c> field, a slash command's fields as a JSON object.
/// <c>null</c> when the raw body is stored.
/// </param>
/// <param name="AnswerEmpty">
/// Answer 200 with an empty body rather than the JSON receipt, new or duplicate alike: Slack shows a
/// slash command's or an interaction's answer body to the user (and an empty one closes a submitted modal).
/// </param>
public sealed record VerifiedDelivery(string DeliveryId, string EventType, DateTimeOffset? OccurredAt, byte[]? StoredBody = null, bool AnswerEmpty = false);
