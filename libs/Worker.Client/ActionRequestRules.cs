using Integrations.Gate.Client;

namespace Integrations.Worker.Client;

/// <summary>The validation patterns shared by action requests; idempotency keys follow the gate's contract (<see cref="IdempotencyKeyGrammar"/>).</summary>
public static class ActionRequestRules
{
    public const string IdempotencyKey = IdempotencyKeyGrammar.Pattern;
    public const int IdempotencyKeyLength = IdempotencyKeyGrammar.MaxLength;
    public const string IdempotencyKeyMessage = "idempotencyKey must look like " + IdempotencyKeyGrammar.Shape + ".";
    public const string Actor = "^[A-Za-z0-9._@:/ -]{1,128}$";
    public const string ActorMessage = "actor is 1-128 letters, digits, spaces or . _ @ : / -.";
    public const string Repository = "^[A-Za-z0-9_.-]{1,39}/[A-Za-z0-9_.-]{1,100}$";
    public const string RepositoryMessage = "repository is owner/name.";
    public const string Ref = "^[A-Za-z0-9_./-]{1,100}$";
    public const string RefMessage = "A ref is a tag, branch or commit SHA.";
}
