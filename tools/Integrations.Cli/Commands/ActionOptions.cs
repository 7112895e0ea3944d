using System.CommandLine;

namespace Integrations.Cli.Commands;

/// <summary>Options shared by the action commands.</summary>
public static class ActionOptions
{
    public static Option<string?> IdempotencyKey() => new("--idempotency-key")
    {
        Description = "provider:event_id:action; send the same key again to retry safely. Default: a new key per call.",
    };
}
