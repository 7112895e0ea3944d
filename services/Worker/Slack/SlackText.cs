namespace Integrations.Worker.Slack;

/// <summary>
/// Text for Slack's message formatting. Slack reads <c>&lt;…&gt;</c> as a control sequence (a link
/// <c>&lt;https://x|shown text&gt;</c>, a mention <c>&lt;@U123&gt;</c>, <c>&lt;!channel&gt;</c>) and
/// <c>&amp;</c> as the start of an entity, so text that came from outside (branch names, commit
/// subjects, customer names, an operator's message) must have exactly these three characters
/// escaped, as Slack's "Escaping text" rules say; nothing else is changed.
/// </summary>
public static class SlackText
{
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().IndexOfAny('&', '<', '>') < 0
            ? text
            : text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }
}
