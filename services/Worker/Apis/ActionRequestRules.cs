namespace Integrations.Worker.Apis;

/// <summary>The validation patterns shared by action requests; the gate applies the same key rules.</summary>
internal static class ActionRequestRules
{
    public const string IdempotencyKey = "^[a-z0-9][a-z0-9_-]*:[!-9;-~]+:[a-z0-9][a-z0-9_.-]*$";
    public const string IdempotencyKeyMessage = "idempotencyKey must look like provider:event_id:action (lower-case provider and action, no spaces).";
    public const string Actor = "^[A-Za-z0-9._@:/ -]{1,128}$";
    public const string ActorMessage = "actor is 1-128 letters, digits, spaces or . _ @ : / -.";
    public const string Repository = "^[A-Za-z0-9_.-]{1,39}/[A-Za-z0-9_.-]{1,100}$";
    public const string RepositoryMessage = "repository is owner/name.";
    public const string Ref = "^[A-Za-z0-9_./-]{1,100}$";
    public const string RefMessage = "A ref is a tag, branch or commit SHA.";
}
