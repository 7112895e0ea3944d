using Integrations.Audit.Apis;
using Integrations.Audit.Chain;
using Integrations.Audit.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Integrations.Audit.Pages;

/// <summary>The audit page: filters, the newest rows, the chain status, and a live tail of new rows.</summary>
public sealed class IndexModel(AuditStore store, PageChainStatus chain, IOptions<AuditOptions> options, ILogger<IndexModel> logger) : PageModel
{
    private const int PageRows = 200;

    [BindProperty(SupportsGet = true)] public string? Provider { get; set; }
    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true)] public string? Key { get; set; }
    [BindProperty(SupportsGet = true)] public string? TraceId { get; set; }

    public RowsView RowsView { get; private set; } = new([], null);
    public long LatestId { get; private set; }
    public AuditVerification? Verification { get; private set; }
    public DateTimeOffset VerifiedAt { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
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
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
