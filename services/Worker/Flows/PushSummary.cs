using System.Text.Json;

namespace Integrations.Worker.Flows;

/// <summary>The one-line Slack summary of a GitHub <c>push</c> event.</summary>
public sealed record PushSummary(string Repository, string Branch, int Commits, string Pusher)
{
    public string Text => $"{Pusher} pushed {Commits} commit{(Commits == 1 ? "" : "s")} to {Repository}@{Branch}";

    /// <summary>Reads a push payload; throws <see cref="FormatException"/> when a required field is missing.</summary>
    public static PushSummary Parse(ReadOnlySpan<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            var repository = root.GetProperty("repository").GetProperty("full_name").GetString();
            var reference = root.GetProperty("ref").GetString();
            var pusher = root.TryGetProperty("pusher", out var p) && p.TryGetProperty("name", out var name)
                ? name.GetString()
                : root.GetProperty("sender").GetProperty("login").GetString();
            var commits = root.TryGetProperty("commits", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.GetArrayLength()
                : 0;
            if (string.IsNullOrEmpty(repository) || string.IsNullOrEmpty(reference) || string.IsNullOrEmpty(pusher))
            {
                throw new FormatException("A push event needs repository.full_name, ref and pusher.name.");
            }

            const string BranchPrefix = "refs/heads/";
            var branch = reference.StartsWith(BranchPrefix, StringComparison.Ordinal) ? reference[BranchPrefix.Length..] : reference;
            return new PushSummary(repository, branch, commits, pusher);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("The push event is missing required fields.", ex);
        }
    }
}
