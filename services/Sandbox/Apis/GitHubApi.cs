using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integrations.Sandbox.GitHub;
using Integrations.Sandbox.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Integrations.Sandbox.Apis;

/// <summary>
/// GitHub's REST API as connectors see it, under <c>/github/</c> (the API root): tags, commits,
/// compare and issues for the seeded <c>acme/widgets</c> (and issues for any repository). Like
/// GitHub it wants <c>Authorization: Bearer|token …</c> (401 <c>Bad credentials</c> otherwise),
/// sends the <c>X-RateLimit-*</c> headers on every answer, answers 403 with remaining 0 once the
/// hourly window is spent, 404 <c>Not Found</c> for unknown repositories or refs and 422
/// <c>Validation Failed</c> for an issue without a title.
/// </summary>
public static class GitHubApi
{
    private const string Documentation = "https://docs.github.com/rest";

    public static IEndpointRouteBuilder MapGitHubApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/github/repos/{owner}/{repo}").AddEndpointFilter(AuthenticateAndCount);
        api.MapGet("/tags", ListTags);
        api.MapGet("/commits", ListCommits);
        api.MapGet("/compare/{basehead}", Compare);
        api.MapGet("/issues", ListIssues);
        api.MapPost("/issues", CreateIssue).DisableAntiforgery();
        api.MapGet("/hooks/{hookId:long}/deliveries", ListHookDeliveries);
        api.MapGet("/hooks/{hookId:long}/deliveries/{deliveryId:long}", GetHookDelivery);
        api.MapPost("/hooks/{hookId:long}/deliveries/{deliveryId:long}/attempts", RedeliverHookDelivery).DisableAntiforgery();
        app.MapPut("/_sandbox/github/rate-limit", (RateLimitCounter counter, int limit) =>
        {
            counter.Limit = limit;
            return TypedResults.NoContent();
        });
        app.MapGet("/_sandbox/github/issues/{owner}/{repo}", (string owner, string repo, IssueTracker issues) =>
            TypedResults.Ok(issues.List($"{owner}/{repo}")));
        return app;
    }

    private static async ValueTask<object?> AuthenticateAndCount(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<SandboxOptions>>().Value;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..]
            : header.StartsWith("token ", StringComparison.Ordinal) ? header[6..]
            : null;
        http.Response.Headers["X-GitHub-Request-Id"] = Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        if (token is null || options.GitHubToken.Length == 0 || !FixedTimeEquals(token, options.GitHubToken))
        {
            return Results.Json(new { message = "Bad credentials", documentation_url = Documentation, status = "401" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        var state = http.RequestServices.GetRequiredService<RateLimitCounter>().Take(token);
        http.Response.Headers["X-RateLimit-Limit"] = state.Limit.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-RateLimit-Remaining"] = state.Remaining.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-RateLimit-Used"] = state.Used.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-RateLimit-Reset"] = state.Reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-RateLimit-Resource"] = "core";
        if (!state.Allowed)
        {
            return Results.Json(new { message = "API rate limit exceeded for user.", documentation_url = Documentation }, statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }

    public static IResult ListTags(string owner, string repo, SeededRepository seeded, HttpRequest request) =>
        !IsSeeded(owner, repo) ? NotFound() : Results.Json(seeded.Tags.Select(t => new
        {
            name = t.Name,
            commit = new { sha = t.Sha, url = ApiUrl(request, $"repos/{SeededRepository.FullName}/commits/{t.Sha}") },
        }));

    /// <summary>Commits reachable from <c>sha</c> (default <c>main</c>), newest first, <c>per_page</c> at most 100.</summary>
    public static IResult ListCommits(string owner, string repo, SeededRepository seeded, HttpRequest request, string? sha = null, int per_page = 30)
    {
        var head = seeded.IndexOf(sha ?? "main");
        if (!IsSeeded(owner, repo) || head < 0)
        {
            return NotFound();
        }

        return Results.Json(seeded.Commits.Take(head + 1).Reverse().Take(Math.Clamp(per_page, 1, 100)).Select(c => CommitJson(c, request)));
    }

    /// <summary><c>base...head</c>: the commits after base up to head, oldest first, as GitHub's compare does.</summary>
    public static IResult Compare(string owner, string repo, string basehead, SeededRepository seeded, HttpRequest request)
    {
        var parts = basehead.Split("...", 2);
        if (!IsSeeded(owner, repo) || parts.Length != 2)
        {
            return NotFound();
        }

        var (from, to) = (seeded.IndexOf(parts[0]), seeded.IndexOf(parts[1]));
        if (from < 0 || to < 0)
        {
            return NotFound();
        }

        var commits = to > from ? seeded.Commits.Skip(from + 1).Take(to - from).ToList() : [];
        return Results.Json(new
        {
            url = ApiUrl(request, $"repos/{SeededRepository.FullName}/compare/{basehead}"),
            html_url = $"https://github.com/{SeededRepository.FullName}/compare/{basehead}",
            status = to > from ? "ahead" : to == from ? "identical" : "behind",
            ahead_by = Math.Max(0, to - from),
            behind_by = Math.Max(0, from - to),
            total_commits = commits.Count,
            commits = commits.Select(c => CommitJson(c, request)),
        });
    }

    /// <summary>
    /// Issues newest first, paged like GitHub: <c>per_page</c> (default 30, at most 100) and <c>page</c>,
    /// with a <c>Link</c> header (<c>rel="next"</c>, <c>rel="last"</c>) while more pages remain; <c>since</c>
    /// keeps the issues updated at or after that time (sandbox issues are never updated after creation).
    /// </summary>
    public static IResult ListIssues(
        string owner, string repo, IssueTracker issues, HttpRequest request, HttpResponse response,
        string? labels = null, string state = "open", string? since = null,
        [FromQuery(Name = "per_page")] int perPage = 30, int page = 1)
    {
        DateTimeOffset? after = null;
        if (!string.IsNullOrEmpty(since))
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return Results.Json(new { message = "Validation Failed", documentation_url = Documentation }, statusCode: StatusCodes.Status422UnprocessableEntity);
            }

            after = parsed;
        }

        perPage = Math.Clamp(perPage, 1, 100);
        page = Math.Max(1, page);
        var wanted = (labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var matching = issues.List($"{owner}/{repo}")
            .Where(i => wanted.All(l => i.Labels.Contains(l, StringComparer.OrdinalIgnoreCase)) && (after is null || i.CreatedAt >= after))
            .Reverse()
            .ToList();
        var lastPage = Math.Max(1, (matching.Count + perPage - 1) / perPage);
        if (page < lastPage)
        {
            string PageUrl(int number) => ApiUrl(request, $"repos/{owner}/{repo}/issues") + QueryString.Create(request.Query
                .Where(q => q.Key != "page")
                .SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v)))
                .Append(KeyValuePair.Create("page", (string?)number.ToString(CultureInfo.InvariantCulture))));
            response.Headers.Link = $"<{PageUrl(page + 1)}>; rel=\"next\", <{PageUrl(lastPage)}>; rel=\"last\"";
        }

        return Results.Json(matching.Skip((page - 1) * perPage).Take(perPage).Select(i => IssueJson(i, request)));
    }

    /// <summary>
    /// A repository webhook's deliveries, newest first, as GitHub lists them: <c>per_page</c> (default 30,
    /// at most 100), cursor paging through the <c>Link</c> header (<c>rel="next"</c> carries a <c>cursor</c>),
    /// <c>status</c> <c>success</c> or <c>failure</c>. Only the sandbox's hook exists (see <see cref="GitHubHookDeliveries"/>).
    /// </summary>
    public static IResult ListHookDeliveries(
        string owner, string repo, long hookId, GitHubHookDeliveries deliveries, HttpRequest request, HttpResponse response,
        string? cursor = null, string? status = null, [FromQuery(Name = "per_page")] int perPage = 30)
    {
        if (!GitHubHookDeliveries.IsHook(owner, repo, hookId))
        {
            return NotFound();
        }

        long? before = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (!cursor.StartsWith("v1_", StringComparison.Ordinal) || !long.TryParse(cursor[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return Results.Json(new { message = "Validation Failed", errors = new[] { new { resource = "HookDelivery", code = "invalid", field = "cursor" } }, documentation_url = Documentation },
                    statusCode: StatusCodes.Status422UnprocessableEntity);
            }

            before = id;
        }

        if (status is not (null or "success" or "failure"))
        {
            return Results.Json(new { message = "Validation Failed", errors = new[] { new { resource = "HookDelivery", code = "invalid", field = "status" } }, documentation_url = Documentation },
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        perPage = Math.Clamp(perPage, 1, 100);
        var matching = deliveries.NewestFirst()
            .Where(d => (before is null || d.Id < before) && (status is null || (status == "success") == IsSuccess(d)))
            .ToList();
        var page = matching.Take(perPage).ToList();
        if (matching.Count > perPage)
        {
            var next = ApiUrl(request, $"repos/{owner}/{repo}/hooks/{hookId}/deliveries") + QueryString.Create(request.Query
                .Where(q => q.Key != "cursor")
                .SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v)))
                .Append(KeyValuePair.Create("cursor", (string?)$"v1_{page[^1].Id}")));
            response.Headers.Link = $"<{next}>; rel=\"next\"";
        }

        return Results.Json(page.Select(HookDeliveryJson));
    }

    /// <summary>One delivery attempt, with the request GitHub sent (headers and payload), as <c>GET …/deliveries/{id}</c> answers it.</summary>
    public static IResult GetHookDelivery(string owner, string repo, long hookId, long deliveryId, GitHubHookDeliveries deliveries, HttpRequest request)
    {
        if (!GitHubHookDeliveries.IsHook(owner, repo, hookId) || deliveries.Find(deliveryId) is not { } delivery)
        {
            return NotFound();
        }

        var json = JsonSerializer.SerializeToNode(HookDeliveryJson(delivery))!.AsObject();
        json["url"] = ApiUrl(request, $"repos/{owner}/{repo}/hooks/{hookId}/deliveries/{deliveryId}");
        json["request"] = new JsonObject
        {
            ["headers"] = new JsonObject
            {
                ["X-GitHub-Delivery"] = delivery.Guid,
                ["X-GitHub-Event"] = delivery.Event,
                ["X-GitHub-Hook-ID"] = hookId.ToString(CultureInfo.InvariantCulture),
                ["Content-Type"] = delivery.Webhook.MediaType,
            },
            ["payload"] = JsonNode.Parse(delivery.Webhook.Json ?? delivery.Webhook.Body),
        };
        json["response"] = new JsonObject { ["headers"] = new JsonObject(), ["payload"] = null };
        return Results.Json(json);
    }

    /// <summary>
    /// <c>POST …/deliveries/{id}/attempts</c>: redelivers the delivery (the same payload and <c>X-GitHub-Delivery</c>,
    /// logged with <c>redelivery: true</c>) and answers 202, as GitHub does. The sandbox sends it before answering.
    /// </summary>
    public static async Task<IResult> RedeliverHookDelivery(
        string owner, string repo, long hookId, long deliveryId, GitHubHookDeliveries deliveries, WebhookSender sender, CancellationToken cancellationToken)
    {
        if (!GitHubHookDeliveries.IsHook(owner, repo, hookId) || deliveries.Find(deliveryId) is not { } delivery)
        {
            return NotFound();
        }

        await sender.RedeliverAsync(delivery, cancellationToken);
        return Results.Json(new { }, statusCode: StatusCodes.Status202Accepted);
    }

    private static bool IsSuccess(HookDelivery d) => d.StatusCode is >= 200 and < 300;

    private static object HookDeliveryJson(HookDelivery d) => new
    {
        id = d.Id,
        guid = d.Guid,
        delivered_at = d.DeliveredAt,
        redelivery = d.Redelivery,
        duration = Math.Round(d.Duration, 2),
        status = d.Status,
        status_code = d.StatusCode,
        @event = d.Event,
        action = d.Action,
        installation_id = (long?)null,
        repository_id = GitHubHookDeliveries.RepositoryId,
        throttled_at = (DateTimeOffset?)null,
    };

    public static async Task<IResult> CreateIssue(string owner, string repo, HttpRequest request, IssueTracker issues, EffectLog effects)
    {
        string? title, body;
        List<string> labels;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            var root = document.RootElement;
            title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            body = root.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
            labels = root.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Array
                ? [.. l.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
                : [];
        }
        catch (JsonException)
        {
            return Results.Json(new { message = "Problems parsing JSON", documentation_url = Documentation }, statusCode: StatusCodes.Status400BadRequest);
        }

        if (string.IsNullOrWhiteSpace(title))
        {
            return Results.Json(new
            {
                message = "Validation Failed",
                errors = new[] { new { resource = "Issue", code = "missing_field", field = "title" } },
                documentation_url = Documentation,
            }, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var issue = issues.Create($"{owner}/{repo}", title, body, labels, "integrations-bot");
        effects.Record("github", "issue", issue.Repository, title, MarkerIn(body), Activity.Current?.TraceId.ToHexString());
        return Results.Json(IssueJson(issue, request), statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The idempotency key a connector may embed in an issue body as <c>&lt;!-- integrations-key: … --&gt;</c>.</summary>
    private static string? MarkerIn(string? body)
    {
        const string Prefix = "<!-- integrations-key: ";
        var start = body?.IndexOf(Prefix, StringComparison.Ordinal) ?? -1;
        if (start < 0)
        {
            return null;
        }

        var end = body!.IndexOf(" -->", start, StringComparison.Ordinal);
        return end < 0 ? null : body[(start + Prefix.Length)..end];
    }

    private static object CommitJson(SeededCommit c, HttpRequest request) => new
    {
        sha = c.Sha,
        url = ApiUrl(request, $"repos/{SeededRepository.FullName}/commits/{c.Sha}"),
        html_url = $"https://github.com/{SeededRepository.FullName}/commit/{c.Sha}",
        commit = new
        {
            message = c.Message,
            author = new { name = c.Name, email = c.Email, date = c.Date },
            committer = new { name = c.Name, email = c.Email, date = c.Date },
        },
        author = new { login = c.Login, type = "User" },
    };

    private static object IssueJson(SandboxIssue i, HttpRequest request) => new
    {
        id = i.Id,
        number = i.Number,
        url = ApiUrl(request, $"repos/{i.Repository}/issues/{i.Number}"),
        html_url = $"https://github.com/{i.Repository}/issues/{i.Number}",
        title = i.Title,
        body = i.Body,
        state = "open",
        labels = i.Labels.Select(l => new { name = l }),
        user = new { login = i.Author, type = "Bot" },
        created_at = i.CreatedAt,
    };

    private static bool IsSeeded(string owner, string repo) =>
        string.Equals($"{owner}/{repo}", SeededRepository.FullName, StringComparison.OrdinalIgnoreCase);

    private static IResult NotFound() =>
        Results.Json(new { message = "Not Found", documentation_url = Documentation, status = "404" }, statusCode: StatusCodes.Status404NotFound);

    private static string ApiUrl(HttpRequest request, string path) => $"{request.Scheme}://{request.Host}/github/{path}";

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
