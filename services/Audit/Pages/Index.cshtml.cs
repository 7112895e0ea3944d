using System.Globalization;
using Integrations.Audit.Apis;
using Integrations.Audit.Chain;
using Integrations.Audit.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Integrations.Audit.Pages;

/// <summary>
/// The audit page: filters (provider, actor, action, status, caller, key, trace, time), the newest rows,
/// the chain status, a live tail of new rows, and the NDJSON export of the same filter.
/// </summary>
public sealed class IndexModel(AuditStore store, PageChainStatus chain, IOptions<AuditOptions> options, ILogger<IndexModel> logger) : PageModel
{
    private const int PageRows = 200;

    [BindProperty(SupportsGet = true)] public string? Provider { get; set; }
    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true)] public string? Key { get; set; }
    [BindProperty(SupportsGet = true)] public string? TraceId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Caller { get; set; }
    /// <summary>Rows at or after this time; without an offset (a browser's date-time input) it is UTC.</summary>
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    /// <summary>Rows at or before this time; without an offset it is UTC.</summary>
    [BindProperty(SupportsGet = true)] public string? To { get; set; }

    /// <summary>The NDJSON export of exactly the rows the filters select, oldest first.</summary>
    public string ExportUrl => QueryHelpers.AddQueryString("/audit", [KeyValuePair.Create("handler", (string?)"Export"), .. Filters()]);

    public RowsView RowsView { get; private set; } = new([], null);
    public long LatestId { get; private set; }
    public AuditVerification? Verification { get; private set; }
    public DateTimeOffset VerifiedAt { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (TimeError() is { } timeError)
        {
            Error = timeError;
            return;
        }

        try
        {
            var (rows, _) = await store.QueryAsync(Query() with { Limit = PageRows }, cancellationToken);
            RowsView = new RowsView(rows, options.Value.DashboardUrl);
            LatestId = rows.Count > 0 ? rows[0].Id : 0;
            (Verification, VerifiedAt) = await chain.GetAsync(cancellationToken);
        }
        catch (Exception ex) when (AuditProblems.IsUnavailable(ex))
        {
            AuditLog.DatabaseUnavailable(logger, "page", ex);
            Error = "The audit database is unavailable; the page will show rows again once it is back.";
        }
    }

    /// <summary>Rows newer than <paramref name="after"/> that match the filters, newest first, as table rows.</summary>
    public async Task<IActionResult> OnGetRowsAsync(long after, CancellationToken cancellationToken)
    {
        var (rows, _) = await store.QueryAsync(Query() with { After = after, Limit = PageRows }, cancellationToken);
        return Partial("_Rows", new RowsView(rows.Reverse().ToList(), options.Value.DashboardUrl));
    }

    /// <summary>Every row the filters select, oldest first, as NDJSON (as <c>GET api/audit/export</c>), downloaded as a file.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancellationToken)
    {
        if (TimeError() is { } timeError)
        {
            return Problem(timeError, StatusCodes.Status400BadRequest);
        }

        await using var rows = store.StreamAsync(Query(), ascending: true, limit: null, cancellationToken).GetAsyncEnumerator(cancellationToken);
        bool any;
        try
        {
            any = await rows.MoveNextAsync();
        }
        catch (Exception ex) when (AuditProblems.IsUnavailable(ex))
        {
            AuditLog.DatabaseUnavailable(logger, "page export", ex);
            return Problem("The audit database is unavailable; retry the export later.", StatusCodes.Status503ServiceUnavailable);
        }

        Response.Headers.ContentDisposition = "attachment; filename=audit.ndjson";
        await NdjsonExport.WriteAllAsync(Response, rows, any, cancellationToken);
        return new EmptyResult();
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync();
        return Redirect("/audit/login");
    }

    private AuditQuery Query() => new()
    {
        Provider = Blank(Provider),
        Action = Blank(Action),
        Status = Blank(Status),
        Actor = Blank(Actor),
        IdempotencyKey = Blank(Key),
        TraceId = Blank(TraceId),
        Caller = Blank(Caller),
        From = Time(From),
        To = Time(To),
    };

    private static ObjectResult Problem(string detail, int status) =>
        new(new ProblemDetails { Status = status, Detail = detail }) { StatusCode = status, ContentTypes = { "application/problem+json" } };

    /// <summary>The filters that are set, by their query names, for the export link.</summary>
    private IEnumerable<KeyValuePair<string, string?>> Filters() =>
        new (string Name, string? Value)[]
        {
            ("provider", Provider), ("action", Action), ("status", Status), ("actor", Actor), ("key", Key),
            ("traceId", TraceId), ("caller", Caller), ("from", From), ("to", To),
        }
        .Where(f => Blank(f.Value) is not null)
        .Select(f => KeyValuePair.Create(f.Name, Blank(f.Value)));

    /// <summary>Why the time filters cannot be used, or null: each must be a date and time, and from no later than to.</summary>
    private string? TimeError()
    {
        foreach (var (name, value) in new[] { ("From", From), ("To", To) })
        {
            if (Blank(value) is { } text && !TryParseTime(text, out _))
            {
                return $"{name} must be a date and time, such as 2026-12-03T14:30 (UTC) or 2026-12-03T14:30:00+01:00.";
            }
        }

        return Time(From) is { } from && Time(To) is { } to && from > to ? "From must not be later than To." : null;
    }

    private static DateTimeOffset? Time(string? value) => Blank(value) is { } text && TryParseTime(text, out var time) ? time : null;

    private static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
