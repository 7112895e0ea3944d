using System.Net.Http.Headers;

namespace Integrations.AppHost.Tests;

/// <summary>
/// The sandbox's Stripe API speaks Stripe's wire format: Bearer keys, form bodies, <c>Request-Id</c>,
/// Stripe's error envelope, and Stripe's idempotency semantics that the connectors rely on.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SandboxStripeApiTests(StackFixture stack)
{
    private const string Lena = "/stripe/v1/customers/cus_SandboxLena05";

    [Fact]
    public async Task IdempotencyKeyReplaysTheSameRequestAndRefusesDifferentParameters()
    {
        var key = $"test:{Guid.NewGuid():N}:update_customer";
        using var stripe = StripeClient();

        using var first = await stripe.SendAsync(Update(key, ("metadata[plan]", "Team"), ("metadata[note]", key)));
        var firstBody = await first.Content.ReadAsStringAsync();
        using var replay = await stripe.SendAsync(Update(key, ("metadata[plan]", "Team"), ("metadata[note]", key)));
        using var different = await stripe.SendAsync(Update(key, ("metadata[plan]", "Pro"), ("metadata[note]", key)));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.StartsWith("req_", first.Headers.GetValues("Request-Id").Single(), StringComparison.Ordinal);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, different.StatusCode);
        var error = (await different.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("idempotency_error", error.GetProperty("type").GetString());
        Assert.Equal("Team", JsonDocument.Parse(firstBody).RootElement.GetProperty("metadata").GetProperty("plan").GetString());

        var effects = await stack.GetJsonAsync<JsonElement>("sandbox", "/_sandbox/effects?provider=stripe&kind=customer_updated");
        Assert.Single(effects, e => e.GetProperty("idempotencyKey").GetString() == key);
    }

    [Fact]
    public async Task ErrorsUseStripesEnvelopeAndNeverEchoTheKey()
    {
        const string WrongKey = "sk_test_wrongwrongwrongwrong1234";
        using var anonymous = stack.App.CreateHttpClient("sandbox");
        using var wrong = stack.App.CreateHttpClient("sandbox");
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WrongKey);
        using var stripe = StripeClient();

        using var noKey = await anonymous.GetAsync(Lena);
        using var badKey = await wrong.GetAsync(Lena);
        using var missing = await stripe.GetAsync("/stripe/v1/customers/cus_doesnotexist");
        using var unknownParameter = await stripe.SendAsync(Update(null, ("favourite_colour", "teal")));

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Contains("did not provide an API key", await ErrorAsync(noKey, "message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, badKey.StatusCode);
        var badKeyMessage = await badKey.Content.ReadAsStringAsync();
        Assert.Contains("sk_test_****1234", badKeyMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("wrongwrong", badKeyMessage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var missingError = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("resource_missing", missingError.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", missingError.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknownParameter.StatusCode);
        Assert.Equal("parameter_unknown", await ErrorAsync(unknownParameter, "code"));
    }

    [Fact]
    public async Task CheckoutSessionIsSeededAndExpandsItsLineItems()
    {
        using var stripe = StripeClient();

        var session = await stripe.GetFromJsonAsync<JsonElement>("/stripe/v1/checkout/sessions/cs_test_SandboxJanePro01?expand[]=line_items");

        Assert.Equal("checkout.session", session.GetProperty("object").GetString());
        Assert.Equal("cus_SandboxJane01", session.GetProperty("customer").GetString());
        Assert.Equal(4900, session.GetProperty("amount_total").GetInt64());
        Assert.Equal("usd", session.GetProperty("currency").GetString());
        Assert.Equal("Pro", session.GetProperty("metadata").GetProperty("plan").GetString());
        var item = Assert.Single(session.GetProperty("line_items").GetProperty("data").EnumerateArray());
        Assert.Equal(4900, item.GetProperty("price").GetProperty("unit_amount").GetInt64());
    }

    private HttpClient StripeClient()
    {
        var http = stack.App.CreateHttpClient("sandbox");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StackFixture.StripeSecretKey);
        return http;
    }

    private static HttpRequestMessage Update(string? idempotencyKey, params (string Name, string Value)[] form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Lena)
        {
            Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    private static async Task<string?> ErrorAsync(HttpResponseMessage response, string field) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty(field).GetString();
}
