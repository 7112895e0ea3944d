namespace Microsoft.AspNetCore.Builder;

internal static class AuditPageExtensions
{
    /// <summary>Maps the audit page (Razor Pages under <c>/audit</c>, cookie sign-in) and sends <c>/</c> there.</summary>
    public static WebApplication MapAuditPage(this WebApplication app)
    {
        app.MapGet("/", () => TypedResults.Redirect("/audit")).ExcludeFromDescription();
        app.MapRazorPages();
        return app;
    }
}
