using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace Integrations.AppHost.Tests;

/// <summary>
/// The sandbox serves the provider APIs gap recovery reads, in the providers' own shapes and paging:
/// Stripe's event list (a list object, newest first, <c>has_more</c>, <c>starting_after</c>/<c>ending_before</c>)
/// and a GitHub hook's deliveries (newest first, cursor paging through <c>Link</c>, redelivery on request).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SandboxBackfillApiTests(StackFixture stack)
{
    [Fact]
    public async Task StripeListsEventsNewestFirstAndPagesWithHasMoreAndCursors()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-2).ToUnixTimeSeconds();
        var dropped = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            dropped.AddRange(await stack.DropAsync(new { provider = "stripe", type = "invoice.created", drop = true }));
        }

        using var stripe = stack.App.CreateHttpClient("sandbox");
        stripe.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StackFixture.StripeSecretKey);
        var first = await stripe.GetFromJsonAsync<JsonElement>($"/stripe/v1/events?limit=2&created[gte]={since}&type=invoice.created");
        var last = (await stripe.GetFromJsonAsync<JsonElement>($"/stripe/v1/events?limit=2&created[gte]={since}&type=invoice.created&starting_after={Ids(first)[1]}"));
        var newer = await stripe.GetFromJsonAsync<JsonElement>($"/stripe/v1/events?limit=1&created[gte]={since}&type=invoice.created&ending_before={dropped[0]}");

        Assert.Equal("list", first.GetProperty("object").GetString());
        Assert.Equal("/v1/events", first.GetProperty("url").GetString());
        Assert.Equal([dropped[2], dropped[1]], Ids(first));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        Assert.Equal("event", first.GetProperty("data")[0].GetProperty("object").GetString());
        Assert.Equal([dropped[0]], Ids(last));
        Assert.False(last.GetProperty("has_more").GetBoolean());
        Assert.Equal([dropped[1]], Ids(newer));
        Assert.True(newer.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task StripesEventListRefusesBadLimitsAndMissingKeysInStripesEnvelope()
    {
        using var anonymous = stack.App.CreateHttpClient("sandbox");
        using var stripe = stack.App.CreateHttpClient("sandbox");
        stripe.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StackFixture.StripeSecretKey);

        using var unauthorized = await anonymous.GetAsync("/stripe/v1/events");
        using var tooMany = await stripe.GetAsync("/stripe/v1/events?limit=101");
        using var unknownCursor = await stripe.GetAsync("/stripe/v1/events?starting_after=evt_nope");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal("limit", (await tooMany.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknownCursor.StatusCode);
        Assert.Equal("resource_missing", (await unknownCursor.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task GitHubListsHookDeliveriesNewestFirstPagedByLinkCursorAndRedeliversOnRequest()
    {
        var dropped = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            dropped.AddRange(await stack.DropAsync(new { provider = "github", type = "ping", drop = true }));
        }

        using var github = await GitHubClientAsync();
        const string Deliveries = "/github/repos/acme/sandbox/hooks/100000001/deliveries";
        using var firstPage = await github.GetAsync($"{Deliveries}?per_page=2");
        var first = await firstPage.Content.ReadFromJsonAsync<List<JsonElement>>() ?? [];
        var next = firstPage.Headers.GetValues("Link").Single();
        var nextUrl = next[(next.IndexOf('<', StringComparison.Ordinal) + 1)..next.IndexOf('>', StringComparison.Ordinal)];
        var second = await github.GetFromJsonAsync<List<JsonElement>>(new Uri(nextUrl).PathAndQuery) ?? [];

        Assert.Equal(HttpStatusCode.OK, firstPage.StatusCode);
        Assert.EndsWith("rel=\"next\"", next, StringComparison.Ordinal);
        Assert.Contains("cursor=", nextUrl, StringComparison.Ordinal);
        Assert.Equal([dropped[2], dropped[1]], first.Select(d => d.GetProperty("guid").GetString()));
        Assert.Equal(dropped[0], second[0].GetProperty("guid").GetString());
        Assert.All(first, d =>
        {
            Assert.Equal(0, d.GetProperty("status_code").GetInt32());
            Assert.False(d.GetProperty("redelivery").GetBoolean());
            Assert.Equal("ping", d.GetProperty("event").GetString());
            Assert.True(d.TryGetProperty("delivered_at", out _) && d.TryGetProperty("repository_id", out _) && d.TryGetProperty("installation_id", out _));
        });

        var id = first[0].GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        using var attempt = await github.PostAsync($"{Deliveries}/{id}/attempts", null);
        var newest = (await github.GetFromJsonAsync<List<JsonElement>>($"{Deliveries}?per_page=1"))![0];
        var shown = await github.GetFromJsonAsync<JsonElement>($"{Deliveries}/{newest.GetProperty("id").GetInt64()}");
        using var unknownHook = await github.GetAsync("/github/repos/acme/sandbox/hooks/42/deliveries");

        Assert.Equal(HttpStatusCode.Accepted, attempt.StatusCode);
        Assert.Equal(dropped[2], newest.GetProperty("guid").GetString());
        Assert.True(newest.GetProperty("redelivery").GetBoolean());
        Assert.Equal(202, newest.GetProperty("status_code").GetInt32());
        Assert.Equal(dropped[2], shown.GetProperty("request").GetProperty("headers").GetProperty("X-GitHub-Delivery").GetString());
        Assert.Equal(1, await stack.StoredCountAsync("github", dropped[2]));
        Assert.Equal(HttpStatusCode.NotFound, unknownHook.StatusCode);
    }

    private static List<string?> Ids(JsonElement list) => [.. list.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString())];

    private async Task<HttpClient> GitHubClientAsync()
    {
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();
        var token = await model.Resources.OfType<ParameterResource>().Single(p => p.Name == "github-token").GetValueAsync(CancellationToken.None);
        var github = stack.App.CreateHttpClient("sandbox");
        github.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return github;
    }
}
