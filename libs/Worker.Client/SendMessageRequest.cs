using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Client;

/// <summary>Post <see cref="Text"/> to a Slack channel.</summary>
public sealed record SendMessageRequest(
    [property: Required, StringLength(80, MinimumLength = 1)] string? Channel,
    [property: Required, StringLength(40_000, MinimumLength = 1)] string? Text,
    [property: Required, RegularExpression(ActionRequestRules.Actor, ErrorMessage = ActionRequestRules.ActorMessage)] string? Actor,
    [property: StringLength(ActionRequestRules.IdempotencyKeyLength), RegularExpression(ActionRequestRules.IdempotencyKey, ErrorMessage = ActionRequestRules.IdempotencyKeyMessage)] string? IdempotencyKey = null)
    : IActionRequest;
