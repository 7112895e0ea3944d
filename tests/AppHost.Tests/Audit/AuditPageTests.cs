using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Integrations.AppHost.Tests;

/// <summary>
/// The audit page in a real browser: the distribution's chromium (scripts/prerequisites.sh installs it)
/// driven by Playwright, against the audit service of the shared stack.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AuditPageTests(StackFixture stack)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan s_liveTail = TimeSpan.FromSeconds(15);

    // A redirect is checked by its URL alone; what the page then shows is asserted with Expect, which
    // waits for it. Waiting for the load event as well timed out once (30 s) in a fresh-clone CI run
    // beside a CPU hog, after the URL had matched and the network had gone idle.
    private static readonly PageWaitForURLOptions s_urlOnly = new() { WaitUntil = WaitUntilState.Commit };

    [Fact]
    public async Task OnlyTheAdminKeyOpensThePageWhichFiltersRowsShowsTheChainAndLinksTraces()
    {
        var actor = $"page-{Guid.NewGuid():N}";
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var http = stack.CreateAuditClient();
        await AuditStoreTests.WriteBatchAsync(http,
        [
            AuditStoreTests.Entry(actor, "slack", "succeeded", $"{actor}:slack:1"),
            AuditStoreTests.Entry(actor, "slack", "failed", $"{actor}:slack:2"),
            AuditStoreTests.Entry(actor, "slack", "succeeded", $"{actor}:slack:3"),
            AuditStoreTests.Entry(actor, "github", "succeeded", $"{actor}:github:1") with { TraceId = traceId },
            AuditStoreTests.Entry(actor, "github", "started", $"{actor}:github:2"),
        ]);
        var baseUrl = stack.App.GetEndpoint("audit", "http").ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Tests run as root in CI, where chromium's sandbox cannot start.
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync();

        await page.GotoAsync($"{baseUrl}/audit?actor={actor}");
        Assert.Matches("/audit/login", page.Url);
        Assert.Equal(0, await page.Locator("table").CountAsync());

        await page.FillAsync("#key", "not-the-admin-key");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That key is not valid.");
        Assert.Matches("/audit/login", page.Url);

        await page.FillAsync("#key", StackFixture.AuditAdminKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(new Regex($"/audit\\?actor={actor}$"), s_urlOnly);

        var rows = page.Locator("tbody#rows tr");
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("#chain-status")).ToContainTextAsync("Hash chain verified");
        Assert.Equal("true", await page.Locator("#chain-status").GetAttributeAsync("data-ok"));

        await page.FillAsync("input[name=provider]", "github");
        await page.ClickAsync("form.filters button[type=submit]");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.Contains("provider=github", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByText($"{actor}:github:1")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByText($"{actor}:slack:1").CountAsync());

        var link = page.Locator($"tr:has-text('{actor}:github:1') a.trace");
        Assert.Equal($"{StackFixture.DashboardUrl}/traces/detail/{traceId}", await link.GetAttributeAsync("href"));

        // Live tail: a row written now appears without a reload; one that does not match the filters does not.
        await AuditStoreTests.WriteBatchAsync(http,
        [
            AuditStoreTests.Entry(actor, "slack", "succeeded", $"{actor}:slack:live"),
            AuditStoreTests.Entry(actor, "github", "failed", $"{actor}:github:live"),
        ]);
        await Assertions.Expect(rows).ToHaveCountAsync(3, new() { Timeout = (float)s_liveTail.TotalMilliseconds });
        await Assertions.Expect(rows.First).ToContainTextAsync($"{actor}:github:live");
        Assert.Equal(0, await page.GetByText($"{actor}:slack:live").CountAsync());

        // Signed out, the page and its live-tail rows are closed again.
        await page.ClickAsync("header button[type=submit]");
        await page.WaitForURLAsync(new Regex("/audit/login"), s_urlOnly);
        using var anonymous = stack.App.CreateHttpClient("audit");
        using var tail = await anonymous.GetAsync("/audit?handler=Rows&after=0");
        Assert.DoesNotContain(actor, await tail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeAndCallerFilterThePageAndItsExportLinkDownloadsExactlyTheRowsShown()
    {
        var actor = $"export-{Guid.NewGuid():N}";
        using var http = stack.CreateAuditClient();
        await AuditStoreTests.WriteBatchAsync(http,
        [
            AuditStoreTests.Entry(actor, "slack", "succeeded", $"{actor}:slack:1"),
            AuditStoreTests.Entry(actor, "github", "failed", $"{actor}:github:1"),
            AuditStoreTests.Entry(actor, "github", "succeeded", $"{actor}:github:2"),
        ]);
        var baseUrl = stack.App.GetEndpoint("audit", "http").ToString().TrimEnd('/');
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{baseUrl}/audit?actor={actor}&provider=github");
        await page.FillAsync("#key", StackFixture.AuditAdminKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(new Regex($"/audit\\?actor={actor}&provider=github$"), s_urlOnly);
        var rows = page.Locator("tbody#rows tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);

        // The operators' key wrote these rows: the caller filter finds them under "operator" and not under "worker".
        await page.FillAsync("input[name=caller]", "worker");
        await page.ClickAsync("form.filters button[type=submit]");
        await Assertions.Expect(rows).ToHaveCountAsync(0);
        await page.FillAsync("input[name=caller]", "operator");
        await page.ClickAsync("form.filters button[type=submit]");
        await Assertions.Expect(rows).ToHaveCountAsync(2);

        // The export link carries the same filter and downloads exactly the rows shown, oldest first.
        Assert.Contains($"actor={actor}", await page.Locator("#export").GetAttributeAsync("href"), StringComparison.Ordinal);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export"));
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Where(l => l.Length > 0).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([$"{actor}:github:1", $"{actor}:github:2"], lines.Select(l => l.GetProperty("idempotencyKey").GetString()));
        Assert.All(lines, l => Assert.Equal(("github", "operator"), (l.GetProperty("provider").GetString(), l.GetProperty("caller").GetString())));

        // Time: an hour ago as From keeps the rows, as To drops them, and the export follows.
        // To the minute: a datetime-local input rewrites ":00" seconds away, and Playwright refuses a fill that does not read back as written.
        var hourAgo = DateTime.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);
        await page.FillAsync("input[name=from]", hourAgo);
        await page.ClickAsync("form.filters button[type=submit]");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await page.FillAsync("input[name=from]", "");
        await page.FillAsync("input[name=to]", hourAgo);
        await page.ClickAsync("form.filters button[type=submit]");
        await Assertions.Expect(rows).ToHaveCountAsync(0);
        var none = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export"));
        Assert.Empty((await File.ReadAllTextAsync((await none.PathAsync())!)).Trim());

        // A time that is not one is said so, and nothing is shown as if it had filtered.
        await page.GotoAsync($"{baseUrl}/audit?actor={actor}&from=yesterday");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("From must be a date and time");
        await Assertions.Expect(rows).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task SignInAttemptsBeyondTheLimitGet429WithRetryAfter()
    {
        const int limit = 10; // Audit:SignInLimit's default
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = stack.App.GetEndpoint("audit", "http"),
            Timeout = StackFixture.StepTimeout,
        };
        var form = await browser.GetStringAsync("/audit/login");
        var antiforgery = Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(antiforgery);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var attempt = 0; attempt < 3 * limit && refused is null; attempt++)
        {
            var response = await browser.PostAsync("/audit/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Key"] = $"guess-{attempt}",
                ["__RequestVerificationToken"] = antiforgery,
            }));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        using (refused)
        {
            Assert.NotNull(refused);
            Assert.All(statuses.Take(limit), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
            var retryAfter = refused.Headers.RetryAfter?.Delta;
            Assert.InRange(retryAfter ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), StackFixture.SignInWindow);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // The budget comes back after Retry-After, for the next test's sign-in too.
            await Task.Delay(retryAfter!.Value + TimeSpan.FromMilliseconds(500));
        }

        using var again = await browser.PostAsync("/audit/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Key"] = StackFixture.AuditAdminKey,
            ["__RequestVerificationToken"] = antiforgery,
        }));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }
}
