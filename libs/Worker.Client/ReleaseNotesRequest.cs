using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Client;

/// <summary>Draft and post release notes for <see cref="Until"/> (default <c>main</c>) since <see cref="Since"/> (default: the previous tag).</summary>
public sealed record ReleaseNotesRequest(
    [property: Required, RegularExpression(ActionRequestRules.Repository, ErrorMessage = ActionRequestRules.RepositoryMessage)] string? Repository,
    [property: Required, RegularExpression(ActionRequestRules.Actor, ErrorMessage = ActionRequestRules.ActorMessage)] string? Actor,
    [property: RegularExpression(ActionRequestRules.Ref, ErrorMessage = ActionRequestRules.RefMessage)] string? Until = null,
    [property: RegularExpression(ActionRequestRules.Ref, ErrorMessage = ActionRequestRules.RefMessage)] string? Since = null,
    [property: StringLength(80, MinimumLength = 1)] string? Channel = null,
    [property: StringLength(ActionRequestRules.IdempotencyKeyLength), RegularExpression(ActionRequestRules.IdempotencyKey, ErrorMessage = ActionRequestRules.IdempotencyKeyMessage)] string? IdempotencyKey = null)
    : IActionRequest;
