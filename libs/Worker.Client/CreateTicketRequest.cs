using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Client;

/// <summary>Open an issue in a GitHub repository (<c>owner/name</c>).</summary>
public sealed record CreateTicketRequest(
    [property: Required, RegularExpression(ActionRequestRules.Repository, ErrorMessage = ActionRequestRules.RepositoryMessage)] string? Repository,
    [property: Required, StringLength(256, MinimumLength = 1)] string? Title,
    [property: Required, RegularExpression(ActionRequestRules.Actor, ErrorMessage = ActionRequestRules.ActorMessage)] string? Actor,
    [property: StringLength(60_000)] string? Body = null,
    [property: MaxLength(20)] IReadOnlyList<string>? Labels = null,
    [property: StringLength(ActionRequestRules.IdempotencyKeyLength), RegularExpression(ActionRequestRules.IdempotencyKey, ErrorMessage = ActionRequestRules.IdempotencyKeyMessage)] string? IdempotencyKey = null)
    : IActionRequest;
