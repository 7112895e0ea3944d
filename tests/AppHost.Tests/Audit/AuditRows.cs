namespace Integrations.AppHost.Tests;

/// <summary>Reads audit rows through the audit service's query API (one page, newest first), as an operator would, and writes rows to read.</summary>
public static class AuditRows
{
    /// <summary>Writes <paramref name="count"/> <c>succeeded</c> rows about <paramref name="target"/>, one request each, oldest first.</summary>
    public static async Task WriteRowsAsync(this StackFixture stack, string actor, string target, int count)
    {
        ArgumentNullException.ThrowIfNull(stack);
        using var http = stack.CreateAuditClient();
        var audit = new Integrations.Audit.Client.AuditClient(http);
        foreach (var i in Enumerable.Range(0, count))
        {
            await audit.WriteAsync(new Integrations.Audit.Client.AuditEntry(actor, "slack", "SendMessage", target, $"slack:{target}:{i}", "succeeded"));
        }
    }

    public static Task<List<JsonElement>> AuditRowsAsync(this StackFixture stack, string query)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return stack.GetAuditRowsAsync<JsonElement>($"?{query}");
    }
}
