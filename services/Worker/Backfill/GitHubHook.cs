using System.Globalization;
using System.Text.RegularExpressions;

namespace Integrations.Worker.Backfill;

/// <summary>A repository webhook to backfill: <c>owner/repo:hookId</c>.</summary>
public sealed partial record GitHubHook(string Repository, long HookId)
{
    public static GitHubHook? Parse(string? value)
    {
        var match = value is null ? null : Shape().Match(value);
        return match is { Success: true } && long.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new GitHubHook(match.Groups[1].Value, id)
            : null;
    }

    [GeneratedRegex("^([A-Za-z0-9_.-]{1,39}/[A-Za-z0-9_.-]{1,100}):([0-9]{1,19})$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
