using System.Net;
using Integrations.Worker.Connectors;
using Integrations.Worker.Flows;
using Integrations.Worker.Queue;
using Integrations.Worker.Stripe;
using Stripe;

namespace Integrations.Services.Tests;

public sealed class BillingTests
{
    [Theory]
    [InlineData(4900L, "usd", "New customer jane@example.com on Pro: 49.00 USD")]
    [InlineData(19905L, "eur", "New customer jane@example.com on Pro: 199.05 EUR")]
    [InlineData(7000L, "jpy", "New customer jane@example.com on Pro: 7000 JPY")]
    [InlineData(null, null, "New customer jane@example.com on Pro")]
    public void NoticeShowsTheAmountInTheCurrencysMajorUnit(long? amount, string? currency, string expected) =>
        Assert.Equal(expected, new NewCustomerNotice("jane@example.com", "Pro", amount, currency).Text);

    [Fact]
    public void RateLimitPausesTheStripeBudget()
    {
        var failure = StripeFailures.Classify(Refusal(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit"), "ActivateCustomer");

        var limited = Assert.IsType<ProviderRateLimitedException>(failure);
        Assert.Equal(StripeFailures.DefaultRateLimitPause, limited.RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "invalid_request_error", "parameter_invalid")]
    [InlineData(HttpStatusCode.BadRequest, "idempotency_error", null)]
    [InlineData(HttpStatusCode.NotFound, "invalid_request_error", "resource_missing")]
    [InlineData(HttpStatusCode.Unauthorized, "invalid_request_error", null)]
    public void ClientErrorsArePermanent(HttpStatusCode status, string type, string? code)
    {
        var failure = StripeFailures.Classify(Refusal(status, type, code), "ActivateCustomer");

        var permanent = Assert.IsType<PermanentFlowException>(failure);
        Assert.Contains(type, permanent.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public void ServerErrorsAndKeyConflictsAreRetried(HttpStatusCode status)
    {
        var refusal = Refusal(status, "api_error", null);

        Assert.Same(refusal, StripeFailures.Classify(refusal, "ActivateCustomer"));
    }

    [Fact]
    public void AMissingSecretKeyTurnsBillingOffNamingTheVariable()
    {
        // A team that does not use Stripe leaves STRIPE_SECRET_KEY unset: the worker starts, billing is off.
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddStripeClient()
            .Configure<Integrations.Worker.Slack.SlackOptions>(o => o.BotToken = "xoxb-set")
            .AddDeliveryFlow<BillingFlow>(_ => BillingFlow.Handles, ProviderSettings.StripeSecretKey, ProviderSettings.SlackBotToken)
            .BuildServiceProvider();

        Assert.Equal("", services.GetRequiredService<IOptions<StripeOptions>>().Value.SecretKey);
        var error = Assert.Throws<PermanentFlowException>(() => services.GetRequiredService<DeliveryFlowRouter>().Resolve(services, "stripe", BillingFlow.EventType));

        Assert.Contains("STRIPE_SECRET_KEY not set", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SLACK_BOT_TOKEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveDefaultsAreStripesOwnApi()
    {
        using var services = Services(new Dictionary<string, string?> { ["STRIPE_SECRET_KEY"] = "sk_live_example" });

        var options = services.GetRequiredService<IOptions<StripeOptions>>().Value;

        Assert.Equal(new Uri("https://api.stripe.com"), options.BaseUrl);
        Assert.Equal("sk_live_example", options.SecretKey);
        Assert.Equal("https://api.stripe.com", services.GetRequiredService<IStripeClient>().ApiBase);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddStripeClient()
            .BuildServiceProvider();
    }

    private static StripeException Refusal(HttpStatusCode status, string type, string? code) =>
        new(status, new StripeError { Type = type, Code = code, Message = "refused" }, "refused");
}
