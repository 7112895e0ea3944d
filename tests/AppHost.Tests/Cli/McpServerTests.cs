using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Integrations.AppHost.Tests;

/// <summary>
/// <c>integrations mcp</c> as an MCP client starts it: a separate process on stdio, pointed at the
/// test stack by its environment, with permissions from configuration.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class McpServerTests(StackFixture stack)
{
    private const string ClientName = "cli-test-client";
    private const string AllowedChannel = "#mcp-allowed";
    private const string AllowedRepository = "acme/widgets";

    [Fact]
    public async Task ListsTheSixBusinessToolsWithInputSchemas()
    {
        await using var client = await StartAsync();

        var tools = await client.ListToolsAsync().AsTask().WaitAsync(StackFixture.StepTimeout);

        Assert.Equal(["create_ticket", "preview_replay", "query_audit", "record_payment_event", "replay_delivery", "send_message"], tools.Select(t => t.Name).Order());
        Assert.True(tools.Single(t => t.Name == "preview_replay").ProtocolTool.Annotations?.ReadOnlyHint);
        var sendMessage = tools.Single(t => t.Name == "send_message");
        Assert.False(string.IsNullOrWhiteSpace(sendMessage.Description));
        var properties = sendMessage.JsonSchema.GetProperty("properties");
        Assert.True(properties.TryGetProperty("channel", out _));
        Assert.True(properties.TryGetProperty("text", out _));
        Assert.All(tools, t => Assert.DoesNotContain("key\"", t.JsonSchema.GetProperty("properties").GetRawText().Replace("idempotencyKey\"", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SendMessageActsAsTheMcpClientAndIsAudited()
    {
        var key = $"slack:{Guid.NewGuid():N}:send_message";
        var text = $"from an agent {key}";
        await using var client = await StartAsync();

        var result = await client.CallToolAsync("send_message", new Dictionary<string, object?> { ["channel"] = AllowedChannel, ["text"] = text, ["idempotencyKey"] = key })
            .AsTask().WaitAsync(StackFixture.StepTimeout);

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("succeeded", Text(result), StringComparison.Ordinal);
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.Single(messages, m => m.GetProperty("text").GetString() == text);
        var rows = await stack.AuditRowsAsync($"idempotencyKey={key}");
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal($"mcp:{ClientName}", r.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task CreateTicketOpensAnIssueInAnAllowedRepositoryOnly()
    {
        var title = $"Agent ticket {Guid.NewGuid():N}";
        await using var client = await StartAsync();

        var opened = await client.CallToolAsync("create_ticket", new Dictionary<string, object?> { ["repository"] = AllowedRepository, ["title"] = title, ["labels"] = new[] { "triage" } })
            .AsTask().WaitAsync(StackFixture.StepTimeout);
        var refused = await client.CallToolAsync("create_ticket", new Dictionary<string, object?> { ["repository"] = "acme/secret-plans", ["title"] = title })
            .AsTask().WaitAsync(StackFixture.StepTimeout);

        Assert.NotEqual(true, opened.IsError);
        Assert.Contains("/issues/", Text(opened), StringComparison.Ordinal);
        Assert.True(refused.IsError);
        Assert.Contains("not permitted", Text(refused), StringComparison.Ordinal);
        var issues = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=github&kind=issue");
        Assert.Single(issues, i => i.GetProperty("text").GetString() == title);
    }

    [Fact]
    public async Task ADisallowedTargetOrToolIsAToolErrorAndNothingHappens()
    {
        var text = $"not allowed {Guid.NewGuid():N}";
        await using var client = await StartAsync();

        var channel = await client.CallToolAsync("send_message", new Dictionary<string, object?> { ["channel"] = "#general", ["text"] = text })
            .AsTask().WaitAsync(StackFixture.StepTimeout);
        var tool = await client.CallToolAsync("record_payment_event", new Dictionary<string, object?> { ["eventId"] = "evt_mcp", ["customerId"] = "cus_mcp" })
            .AsTask().WaitAsync(StackFixture.StepTimeout);

        Assert.True(channel.IsError);
        Assert.Contains("not permitted", Text(channel), StringComparison.Ordinal);
        Assert.True(tool.IsError);
        Assert.Contains("not permitted", Text(tool), StringComparison.Ordinal);
        var messages = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=slack&kind=message");
        Assert.DoesNotContain(messages, m => m.GetProperty("text").GetString() == text);
    }

    [Fact]
    public async Task QueryAuditReturnsRowsAndIsAuditedItself()
    {
        await using var client = await StartAsync();

        var result = await client.CallToolAsync("query_audit", new Dictionary<string, object?> { ["provider"] = "slack", ["limit"] = 5 })
            .AsTask().WaitAsync(StackFixture.StepTimeout);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(Text(result)).RootElement.GetProperty("items").ValueKind);
        var rows = await stack.AuditRowsAsync("provider=audit&action=QueryAudit&limit=1000");
        Assert.Contains(rows, r => r.GetProperty("actor").GetString() == $"mcp:{ClientName}" && r.GetProperty("target").GetString() == "provider=slack");
    }

    [Fact]
    public async Task WithOnlyTheOperatorFileTheServerReachesTheStack()
    {
        await using var client = await StartAsync(operatorFileOnly: true);

        var result = await client.CallToolAsync("query_audit", new Dictionary<string, object?> { ["provider"] = "slack", ["limit"] = 1 })
            .AsTask().WaitAsync(StackFixture.StepTimeout);

        Assert.True(result.IsError != true, Text(result));
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(Text(result)).RootElement.GetProperty("items").ValueKind);
    }

    [Fact]
    public async Task QueryAuditPagesBackwardsThroughOlderRowsToTheLastPage()
    {
        var target = $"mcp-paging-{Guid.NewGuid():N}";
        await stack.WriteRowsAsync("mcp-test", target, 5);

        await using var client = await StartAsync();
        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var arguments = new Dictionary<string, object?> { ["target"] = target, ["limit"] = 2 };
            if (cursor is not null)
            {
                arguments["before"] = cursor;
            }

            var result = await client.CallToolAsync("query_audit", arguments).AsTask().WaitAsync(StackFixture.StepTimeout);
            Assert.NotEqual(true, result.IsError);
            var page = JsonDocument.Parse(Text(result)).RootElement;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
            // The tool's answer leaves a null next out.
            cursor = page.TryGetProperty("next", out var next) && next.ValueKind != JsonValueKind.Null ? next.ToString() : null;
            Assert.True(++pages <= 3, "paging did not reach the last page");
        }
        while (cursor is not null);

        Assert.Equal(5, seen.Count);
        Assert.Equal(seen.OrderByDescending(id => id), seen);
    }

    [Fact]
    public async Task ReplayOfAnUnknownDeliveryIsAToolErrorAuditedAsFailed()
    {
        var deliveryId = Guid.NewGuid().ToString();
        await using var client = await StartAsync();

        var result = await client.CallToolAsync("replay_delivery", new Dictionary<string, object?> { ["provider"] = "github", ["deliveryId"] = deliveryId })
            .AsTask().WaitAsync(StackFixture.StepTimeout);

        Assert.True(result.IsError);
        Assert.Contains("Nothing to replay.", Text(result), StringComparison.Ordinal);
        var rows = await stack.AuditRowsAsync("provider=github&action=ReplayDelivery&limit=1000");
        var row = Assert.Single(rows, r => r.GetProperty("target").GetString() == $"github/{deliveryId}");
        Assert.Equal("failed", row.GetProperty("status").GetString());
        Assert.Equal($"mcp:{ClientName}", row.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task PreviewReplayListsTheEffectsWithoutReplayingAndIsAuditedAsTheClient()
    {
        var deliveryId = Guid.NewGuid().ToString();
        var key = $"github:{deliveryId}:send_message";
        await stack.PushUntilDoneAsync(deliveryId, $"acme/mcp-preview-{deliveryId[..8]}");
        await using var client = await StartAsync();

        var result = await client.CallToolAsync("preview_replay", new Dictionary<string, object?> { ["provider"] = "github", ["deliveryId"] = deliveryId })
            .AsTask().WaitAsync(StackFixture.StepTimeout);
        var refused = await client.CallToolAsync("preview_replay", new Dictionary<string, object?> { ["provider"] = "stripe", ["deliveryId"] = deliveryId })
            .AsTask().WaitAsync(StackFixture.StepTimeout);

        Assert.NotEqual(true, result.IsError);
        var preview = JsonSerializer.Deserialize<Integrations.Worker.Client.ReplayPreview>(Text(result), JsonSerializerOptions.Web)!;
        var step = Assert.Single(preview.Effects);
        Assert.Equal((key, true, "skip"), (step.IdempotencyKey, step.Exists, step.WouldDo));
        Assert.True(refused.IsError);
        Assert.Contains("not permitted", Text(refused), StringComparison.Ordinal);
        Assert.DoesNotContain(await stack.AuditRowsAsync($"idempotencyKey={key}"), r => r.GetProperty("status").GetString() == "skipped");
        var row = Assert.Single(await stack.AuditRowsAsync($"action=PreviewReplay&target=delivery/github/{deliveryId}"));
        Assert.Equal(($"mcp:{ClientName}", "succeeded"), (row.GetProperty("actor").GetString(), row.GetProperty("status").GetString()));
    }

    /// <param name="operatorFileOnly">Find the stack only through the operator file, as after <c>./run.sh</c>: no URL or key is set.</param>
    private async Task<McpClient> StartAsync(bool operatorFileOnly = false)
    {
        var environment = operatorFileOnly
            ? new Dictionary<string, string?> { [Integrations.Cli.OperatorFile.Variable] = stack.OperatorFile }
            : CliRun.StackEnvironment(stack);
        environment["Mcp__AllowedTools__0"] = "send_message,query_audit";
        environment["Mcp__AllowedTools__1"] = "replay_delivery";
        environment["Mcp__AllowedTools__2"] = "create_ticket";
        environment["Mcp__AllowedTools__3"] = "preview_replay";
        environment["Mcp__AllowedRepositories__0"] = AllowedRepository;
        environment["Mcp__AllowedChannels__0"] = AllowedChannel;
        environment["Mcp__AllowedProviders__0"] = "github";
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "integrations",
            Command = "dotnet",
            Arguments = [Path.Combine(AppContext.BaseDirectory, "integrations.dll"), "mcp"],
            EnvironmentVariables = environment,
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions { ClientInfo = new Implementation { Name = ClientName, Version = "1.0.0" } })
            .WaitAsync(StackFixture.StepTimeout);
    }

    private static string Text(CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
