using System.Net;
using System.Net.Http.Json;

namespace Integrations.AppHost.Tests;

[Collection(StackCollection.Name)]
public sealed class StackHealthTests(StackFixture stack)
{
    public static TheoryData<string> Services => [.. StackFixture.Services];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task EveryServiceReportsHealthAndAliveness(string service)
    {
        using var http = stack.App.CreateHttpClient(service);

        using var health = await http.GetAsync("/health");
        using var alive = await http.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", (await health.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
