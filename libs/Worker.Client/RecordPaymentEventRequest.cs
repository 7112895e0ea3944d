using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Client;

/// <summary>Record what a payment event says about a customer; <c>null</c> fields keep their stored values.</summary>
public sealed record RecordPaymentEventRequest(
    [property: Required, RegularExpression("^[A-Za-z0-9_]{1,255}$", ErrorMessage = "eventId is 1-255 letters, digits or underscores.")] string? EventId,
    [property: Required, RegularExpression("^[A-Za-z0-9_]{1,255}$", ErrorMessage = "customerId is 1-255 letters, digits or underscores.")] string? CustomerId,
    [property: Required, RegularExpression(ActionRequestRules.Actor, ErrorMessage = ActionRequestRules.ActorMessage)] string? Actor,
    DateTimeOffset? EventCreated = null,
    [property: EmailAddress] string? Email = null,
    [property: StringLength(200)] string? Name = null,
    [property: StringLength(100)] string? Plan = null,
    [property: Range(0, long.MaxValue)] long? Amount = null,
    [property: RegularExpression("^[a-z]{3}$", ErrorMessage = "currency is a lower-case ISO 4217 code.")] string? Currency = null,
    bool Livemode = false,
    [property: StringLength(ActionRequestRules.IdempotencyKeyLength), RegularExpression(ActionRequestRules.IdempotencyKey, ErrorMessage = ActionRequestRules.IdempotencyKeyMessage)] string? IdempotencyKey = null)
    : IActionRequest;
