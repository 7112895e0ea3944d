using System.Text.RegularExpressions;
using Integrations.Gate.Client;

namespace Integrations.Gate.Idempotency;

/// <summary>Checks idempotency keys against <see cref="IdempotencyKeyGrammar"/>, the contract's one statement of their shape.</summary>
public static partial class IdempotencyKey
{
    public const int MaxLength = IdempotencyKeyGrammar.MaxLength;
    public const int MaxFingerprintLength = 128;
    public const int MaxOutcomeLength = 16 * 1024;

    /// <summary>Returns why <paramref name="key"/> is not a valid key, or null when it is.</summary>
    public static string? Problem(string? key) => key switch
    {
        null or "" => "key is required.",
        { Length: > MaxLength } => $"key is at most {MaxLength} characters.",
        _ when !Shape().IsMatch(key) => $"key must look like {IdempotencyKeyGrammar.Shape}.",
        _ => null,
    };

    [GeneratedRegex(IdempotencyKeyGrammar.Pattern)]
    private static partial Regex Shape();
}
