using System.Text.RegularExpressions;

namespace Integrations.Gate.Idempotency;

/// <summary>
/// Idempotency keys follow <c>provider:event_id:action</c>, e.g. <c>github:72d3162e-…:send_message</c>:
/// a lower-case provider, the provider's own event or delivery id (printable ASCII, no colon), and
/// the lower-case business action. At most 255 characters.
/// </summary>
public static partial class IdempotencyKey
{
    public const int MaxLength = 255;
    public const int MaxFingerprintLength = 128;
    public const int MaxOutcomeLength = 16 * 1024;

    /// <summary>Returns why <paramref name="key"/> is not a valid key, or null when it is.</summary>
    public static string? Problem(string? key) => key switch
    {
        null or "" => "key is required.",
        { Length: > MaxLength } => $"key is at most {MaxLength} characters.",
        _ when !Shape().IsMatch(key) => "key must look like provider:event_id:action (lower-case provider and action; event id printable ASCII without ':').",
        _ => null,
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*:[!-9;-~]+:[a-z0-9][a-z0-9_.-]*$")]
    private static partial Regex Shape();
}
