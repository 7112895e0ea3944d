using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Integrations.Audit.Pages;

/// <summary>
/// The audit page's sign-in is rate limited, so the admin key cannot be guessed at speed: each
/// client address may POST the sign-in form <see cref="AuditOptions.SignInLimit"/> times (10 by
/// default) per fixed <see cref="AuditOptions.SignInWindow"/> (a minute by default), right or
/// wrong key alike. One more is answered 429 with <c>Retry-After</c> (whole seconds) and problem
/// details, before the key is even compared. Showing the form (GET) is not limited. The address is
/// the connection's: behind a reverse proxy that does not forward it, every caller shares one budget.
/// </summary>
public static class SignInRateLimit
{
    public const string PolicyName = "audit-sign-in";

    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PolicyName, context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }

                var options = context.RequestServices.GetRequiredService<IOptions<AuditOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.SignInLimit,
                    Window = options.SignInWindow,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = RefuseAsync;
        });
    }

    private static async ValueTask RefuseAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        AuditLog.SignInRateLimited(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRateLimit)));
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many sign-in attempts.",
                Detail = $"Try again in {seconds} s.",
            },
        });
    }
}
