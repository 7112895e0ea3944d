using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Integrations.Audit.Pages;

/// <summary>
/// Signs an operator in with the admin key (compared in constant time, never logged) and sets the
/// auth cookie. Attempts are rate limited per client address (<see cref="SignInRateLimit"/>).
/// </summary>
[EnableRateLimiting(SignInRateLimit.PolicyName)]
public sealed class LoginModel(IOptionsMonitor<AuditOptions> options, ILogger<LoginModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Key { get; set; }

    public bool Refused { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var expected = options.CurrentValue.AdminKey;
        if (string.IsNullOrEmpty(expected) || !FixedTimeEquals(Key ?? "", expected))
        {
            AuditLog.SignInRefused(logger);
            Refused = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, "audit-admin")],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        AuditLog.SignedIn(logger);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/audit");
    }

    private static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
