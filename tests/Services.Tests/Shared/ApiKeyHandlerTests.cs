using Integrations.ApiKeys;

namespace Integrations.Services.Tests;

/// <summary>The one handler every client of this stack sends its API key with.</summary>
public sealed class ApiKeyHandlerTests
{
    [Fact]
    public async Task TheKeyReplacesAnyHeaderAlreadyThereAndIsReadForEachRequest()
    {
        var key = "first-key-0123456789";
        var seen = new List<string[]>();
        using var http = new HttpClient(new ApiKeyHandler(() => key) { InnerHandler = new Recorder(seen) });

        using var request = new HttpRequestMessage(HttpMethod.Get, "http://gate.test/");
        request.Headers.TryAddWithoutValidation(ApiKey.HeaderName, "stale");
        (await http.SendAsync(request)).Dispose();
        key = "second-key-0123456789";
        (await http.GetAsync("http://gate.test/")).Dispose();

        Assert.Equal([["first-key-0123456789"], ["second-key-0123456789"]], seen);
    }

    [Fact]
    public async Task NoKeyMeansNoHeader()
    {
        var seen = new List<string[]>();
        using var http = new HttpClient(new ApiKeyHandler(() => null) { InnerHandler = new Recorder(seen) });

        (await http.GetAsync("http://gate.test/")).Dispose();

        Assert.Equal([[]], seen);
    }

    private sealed class Recorder(List<string[]> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.Headers.TryGetValues(ApiKey.HeaderName, out var values) ? [.. values] : []);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
