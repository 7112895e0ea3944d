using System.Text.Json;

namespace Integrations.AppHost.Tests;

/// <summary>Reads audit rows through the audit service's query API (one page, newest first), as an operator would.</summary>
public static class AuditRows
{
    public static Task<List<JsonElement>> AuditRowsAsync(this StackFixture stack, string query)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return stack.GetAuditRowsAsync<JsonElement>($"?{query}");
    }
}
