using System.ComponentModel.DataAnnotations;

namespace Integrations.Worker.Stripe;

/// <summary>Bound from <c>Providers:Stripe</c>; the secret key comes from <c>STRIPE_SECRET_KEY</c>; empty when not set, and billing is off.</summary>
public sealed class StripeOptions
{
    public const string SectionName = "Providers:Stripe";

    /// <summary>The API base URL, without <c>/v1</c>. Default <c>https://api.stripe.com</c>; the AppHost points it at the sandbox.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.stripe.com");

    /// <summary>The secret API key (<c>sk_test_…</c> or <c>sk_live_…</c>) from <c>STRIPE_SECRET_KEY</c>; empty when not set, and billing is off.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>
    /// The gate budget this key spends: <c>stripe-test</c> for test-mode keys (Stripe allows test mode
    /// fewer requests per second), <c>stripe</c> for live keys.
    /// </summary>
    public string Budget => SecretKey.Contains("_test_", StringComparison.Ordinal) ? "stripe-test" : "stripe";
}
