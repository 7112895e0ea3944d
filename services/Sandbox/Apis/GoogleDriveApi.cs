using Integrations.Sandbox.Google;
using Integrations.Sandbox.OAuth;

namespace Integrations.Sandbox.Apis;

/// <summary>
/// Google Drive's export endpoint, <c>GET /google/drive/v3/files/{fileId}/export?mimeType=text/csv</c>,
/// for the seeded support sheet. It accepts only access tokens the sandbox's Google OAuth server
/// issued and that carry a Drive read scope, and answers Google's error shape:
/// 401 <c>UNAUTHENTICATED</c>, 403 <c>PERMISSION_DENIED</c> (insufficient scopes), 404 <c>notFound</c>,
/// 400 for an export format the file does not support.
/// </summary>
public static class GoogleDriveApi
{
    private static readonly string[] s_readScopes =
    [
        "https://www.googleapis.com/auth/drive.readonly",
        "https://www.googleapis.com/auth/drive",
    ];

    public static IEndpointRouteBuilder MapGoogleDriveApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/google/drive/v3/files/{fileId}/export", Export);
        app.MapGet("/google/drive/v3/about", About);
        return app;
    }

    public static IResult Export(string fileId, HttpRequest request, OAuthGrantStore grants, string? mimeType = null)
    {
        var header = request.Headers.Authorization.ToString();
        var scopes = header.StartsWith("Bearer ", StringComparison.Ordinal) ? grants.ScopesOf("google", header[7..]) : null;
        if (scopes is null)
        {
            return Error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.");
        }

        if (!scopes.Intersect(s_readScopes).Any())
        {
            return Error(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.");
        }

        if (!SupportExport.Exists(fileId))
        {
            return Error(404, "NOT_FOUND", $"File not found: {fileId}.");
        }

        if (mimeType != "text/csv")
        {
            return Error(400, "INVALID_ARGUMENT", "The requested conversion is not supported.");
        }

        return Results.Text(SupportExport.Csv + "\n", "text/csv");
    }

    /// <summary><c>GET /drive/v3/about?fields=user</c>: the token's user (Drive requires <c>fields</c> on this method).</summary>
    public static IResult About(HttpRequest request, OAuthGrantStore grants, string? fields = null)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : "";
        if (grants.AccountOfAccessToken("google", token) is not { } account)
        {
            return Error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.");
        }

        if (string.IsNullOrEmpty(fields))
        {
            return Error(400, "INVALID_ARGUMENT", "The 'fields' parameter is required for this method.");
        }

        return Results.Json(new { user = new { kind = "drive#user", displayName = account.Split('@')[0], emailAddress = account, me = true } });
    }

    private static IResult Error(int code, string status, string message) =>
        Results.Json(new { error = new { code, message, status } }, statusCode: code);
}
