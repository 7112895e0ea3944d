using System.Net;

namespace Integrations.Services.Tests;

/// <summary>
/// The provider clients' retry policy, through a real <see cref="IHttpClientFactory"/> client: a
/// provider that may have acted is never sent the same non-idempotent call again within the attempt.
/// </summary>
public sealed class ProviderResilienceTests
{
    [Theory]
    [InlineData("POST", null, 502, 1)]           // Slack chat.postMessage / GitHub issue: may have acted
    [InlineData("POST", null, 500, 1)]
    [InlineData("POST", null, 409, 1)]
    [InlineData("POST", null, 408, 1)]
    [InlineData("PATCH", null, 503, 1)]
    [InlineData("POST", null, 429, 2)]           // refused before acting
    [InlineData("POST", "stripe:evt_1:activate_customer", 502, 2)] // the provider dedups on the key
    [InlineData("GET", null, 502, 2)]
    [InlineData("PUT", null, 503, 2)]
    [InlineData("POST", null, 400, 1)]           // permanent
    public async Task ACallIsResentOnlyWhenResendingCannotRepeatAnEffect(string method, string? idempotencyKey, int firstStatus, int expectedCalls)
    {
        var provider = new ScriptedProvider((HttpStatusCode)firstStatus);
        using var services = new ServiceCollection()
            .AddHttpClient("provider", http => http.BaseAddress = new Uri("http://provider.test"))
            .ConfigurePrimaryHttpMessageHandler(() => provider)
            .AddProviderResilience()
            .Services.BuildServiceProvider();
        using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("provider");

        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/call") { Content = new StringContent("{}") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(expectedCalls, provider.Calls);
        Assert.Equal(expectedCalls == 1 ? (HttpStatusCode)firstStatus : HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Answers the first call with the given status (and <c>Retry-After: 0</c>, so a resend is immediate), later calls 200.</summary>
    private sealed class ScriptedProvider(HttpStatusCode first) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = Interlocked.Increment(ref _calls) == 1 ? new HttpResponseMessage(first) : new HttpResponseMessage(HttpStatusCode.OK);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }
}
