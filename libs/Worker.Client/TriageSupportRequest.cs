using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Client;

/// <summary>Triage the support export <see cref="FileId"/> with the broker connection's Google token, filing issues in <see cref="Repository"/>.</summary>
public sealed record TriageSupportRequest(
    [property: Required] Guid? ConnectionId,
    [property: Required, RegularExpression("^[A-Za-z0-9_-]{1,128}$", ErrorMessage = "fileId is a Drive file id.")] string? FileId,
    [property: Required, RegularExpression(ActionRequestRules.Repository, ErrorMessage = ActionRequestRules.RepositoryMessage)] string? Repository,
    [property: Required, RegularExpression(ActionRequestRules.Actor, ErrorMessage = ActionRequestRules.ActorMessage)] string? Actor,
    [property: StringLength(ActionRequestRules.IdempotencyKeyLength), RegularExpression(ActionRequestRules.IdempotencyKey, ErrorMessage = ActionRequestRules.IdempotencyKeyMessage)] string? IdempotencyKey = null)
    : IActionRequest;
