using System.Globalization;

namespace Integrations.Resilience.Tests;

/// <summary>
/// Issue 8, part 4: every internal endpoint refuses callers without its key. The endpoints are
/// enumerated from each running service's OpenAPI document, so a new one cannot be forgotten: it
/// is either refused or listed below as public on purpose. Each is called with no key, a wrong
/// one, every other service's key, an empty one, a very long one, its own in another case, and
/// its own in the wrong header, and must answer 401 (or 403), never 2xx and never 5xx.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class AccessTests(ResilienceStack stack, ITestOutputHelper output)
{
    /// <summary>Each service's own key.</summary>
    private static readonly Dictionary<string, string> OwnKeys = new()
    {
        ["receiver"] = StackFixture.ReceiverAdminKey,
        ["gate"] = StackFixture.GateApiKey,
        ["worker"] = StackFixture.WorkerAdminKey,
        ["broker"] = StackFixture.BrokerApiKey,
        ["audit"] = StackFixture.AuditApiKey,
    };

    /// <summary>Endpoints that are public on purpose: providers' webhooks (signed) and the browser's OAuth redirects.</summary>
    private static readonly HashSet<string> Public =
    [
        "receiver POST /webhooks/{source}",
        "broker GET /oauth/callback",
    ];

    /// <summary>What issue 8 names, by hand: the OpenAPI documents must hold at least these.</summary>
    private static readonly string[] Named =
    [
        "gate POST /api/idempotency/begin", "gate POST /api/idempotency/complete", "gate POST /api/idempotency/fail",
        "gate POST /api/ratelimits/decisions", "gate POST /api/ratelimits/decisions/batch", "gate POST /api/ratelimits/reports",
        "broker GET /api/connections", "broker POST /api/connections/authorizations", "broker GET /api/connections/{id}/token", "broker DELETE /api/connections/{id}",
        "broker POST /api/apps/{provider}/client-secret-rotations",
        "audit GET /api/audit", "audit POST /api/audit", "audit POST /api/audit/batch", "audit GET /api/audit/export", "audit GET /api/audit/verify",
        "worker GET /api/dead-letters", "worker POST /api/dead-letters/redrive", "worker POST /api/deliveries/{provider}/{deliveryId}/replay", "worker GET /api/deliveries/{provider}/{deliveryId}/replay-preview",
        "worker POST /api/actions/send-message", "worker POST /api/actions/record-payment-event", "worker POST /api/actions/create-ticket",
        "worker POST /api/actions/release-notes", "worker POST /api/actions/triage-support",
        "receiver GET /admin/sources/{source}/secrets", "receiver POST /admin/sources/{source}/secrets", "receiver DELETE /admin/sources/{source}/secrets/{id}",
        "receiver GET /deliveries/{provider}", "receiver GET /deliveries/{provider}/{deliveryId}",
    ];

    [Theory]
    [InlineData("receiver")]
    [InlineData("gate")]
    [InlineData("worker")]
    [InlineData("broker")]
    [InlineData("audit")]
    public async Task EveryInternalEndpointRefusesCallersWithoutItsKey(string service)
    {
        var endpoints = await EndpointsAsync(service);
        var calls = new List<(string Endpoint, string Credential, int Status)>();
        foreach (var endpoint in endpoints.Where(e => !Public.Contains(e.Name)))
        {
            foreach (var (credential, header, key) in WrongCredentials(service))
            {
                calls.Add((endpoint.Name, credential, await CallAsync(service, endpoint, header, key)));
            }
        }

        Report(service, endpoints, calls);
        Assert.Contains(endpoints, e => !Public.Contains(e.Name));
        Assert.All(calls, c => Assert.True(c.Status is 401 or 403, $"{c.Endpoint} with {c.Credential}: {c.Status}"));
    }

    [Fact]
    public async Task OpenApiDocumentsListEveryEndpointTheIssueNames()
    {
        var listed = new HashSet<string>();
        foreach (var service in OwnKeys.Keys)
        {
            listed.UnionWith((await EndpointsAsync(service)).Select(e => e.Name));
        }

        Assert.All(Named, name => Assert.Contains(name, listed));
        Assert.All(Public, name => Assert.Contains(name, listed));
    }

    private static IEnumerable<(string Credential, string Header, string? Key)> WrongCredentials(string service)
    {
        yield return ("no key", "X-Api-Key", null);
        yield return ("wrong key", "X-Api-Key", "wrong-key");
        yield return ("empty key", "X-Api-Key", "");
        yield return ("8 KiB key", "X-Api-Key", new string('k', 8 * 1024));
        foreach (var (other, key) in OwnKeys.Where(k => k.Key != service))
        {
            yield return ($"{other}'s key", "X-Api-Key", key);
        }

        yield return ("the audit page's admin key", "X-Api-Key", StackFixture.AuditAdminKey);
        var own = OwnKeys[service];
        yield return ("own key upper-cased", "X-Api-Key", own.ToUpperInvariant());
        yield return ("own key minus its last character", "X-Api-Key", own[..^1]);
        yield return ("own key as a bearer token", "Authorization", $"Bearer {own}");
    }

    private async Task<int> CallAsync(string service, Endpoint endpoint, string header, string? key)
    {
        using var http = stack.Client(service);
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Sample);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(header, key);
        }

        if (endpoint.HasBody)
        {
            request.Content = JsonContent.Create(new { });
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (key is { Length: > 0 } && body.Contains(key, StringComparison.Ordinal))
        {
            return -1; // The refusal echoed the presented key: fails the test as surely as a 2xx.
        }

        return (int)response.StatusCode;
    }

    private sealed record Endpoint(string Name, string Method, string Sample, bool HasBody);

    /// <summary>Reads the service's OpenAPI document and makes a callable request for each operation.</summary>
    private async Task<List<Endpoint>> EndpointsAsync(string service)
    {
        using var http = stack.Client(service);
        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var endpoints = new List<Endpoint>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var method = operation.Name.ToUpperInvariant();
                var sample = path.Name;
                var query = new List<string>();
                var parameters = operation.Value.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
                foreach (var parameter in parameters)
                {
                    var name = parameter.GetProperty("name").GetString()!;
                    var value = SampleValue(name, parameter.TryGetProperty("schema", out var schema) ? schema : default);
                    if (parameter.GetProperty("in").GetString() == "path")
                    {
                        sample = sample.Replace($"{{{name}}}", Uri.EscapeDataString(value), StringComparison.Ordinal);
                    }
                    else if (parameter.GetProperty("in").GetString() == "query" && parameter.TryGetProperty("required", out var required) && required.GetBoolean())
                    {
                        query.Add($"{name}={Uri.EscapeDataString(value)}");
                    }
                }

                endpoints.Add(new($"{service} {method} {path.Name}", method, query.Count == 0 ? sample : $"{sample}?{string.Join('&', query)}", operation.Value.TryGetProperty("requestBody", out _)));
            }
        }

        return endpoints;
    }

    private static string SampleValue(string name, JsonElement schema)
    {
        var text = schema.ValueKind == JsonValueKind.Object ? schema.ToString() : "";
        return text.Contains("uuid", StringComparison.Ordinal) ? Guid.NewGuid().ToString()
            : text.Contains("integer", StringComparison.Ordinal) ? "1"
            : name is "source" or "provider" ? "github"
            : Guid.NewGuid().ToString("N");
    }

    private void Report(string service, List<Endpoint> endpoints, List<(string Endpoint, string Credential, int Status)> calls)
    {
        var statuses = calls.GroupBy(c => c.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        new Figures($"access-{service}", $"Access: {service}")
            .Line($"{endpoints.Count} operations in /openapi/v1.json, {endpoints.Count(e => Public.Contains(e.Name))} public on purpose; "
                + $"{calls.Count} calls with {calls.Select(c => c.Credential).Distinct().Count()} kinds of wrong credential; statuses {string.Join(", ", statuses)}.")
            .Line("")
            .Table(["endpoint", "calls", "statuses"],
                calls.GroupBy(c => c.Endpoint).Select(g => new object[]
                {
                    g.Key, g.Count(), string.Join(", ", g.GroupBy(c => c.Status).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} ×{s.Count()}"))),
                }))
            .Write(output);
    }
}
