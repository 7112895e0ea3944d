using Integrations.Worker.Stripe;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Reads a checkout session from Stripe with its line items expanded, for events that do not carry
/// the plan or amount. A read changes nothing at Stripe, so it claims no key, but it spends the
/// account's rate budget and is audited; refusals are sorted by <see cref="StripeFailures"/>.
/// </summary>
public sealed class LookUpCheckout(IStripeClient stripe, EffectGuard guard, IOptions<StripeOptions> options)
{
    public const string Action = nameof(LookUpCheckout);

    public Task<CheckoutDetails> RunAsync(string sessionId, string idempotencyKey, CancellationToken cancellationToken, string actor = WriteAudit.Actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        return guard.ReadAsync(new Effect(options.Value.Budget, ActivateCustomer.Connection, Action, sessionId, idempotencyKey, sessionId, actor),
            ct => ReadAsync(sessionId, ct), cancellationToken);
    }

    private async Task<CheckoutDetails> ReadAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var session = await new SessionService(stripe).GetAsync(
                sessionId, new SessionGetOptions { Expand = ["line_items"] }, requestOptions: null, cancellationToken);
            var item = session.LineItems?.Data?.FirstOrDefault();
            var plan = session.Metadata?.GetValueOrDefault("plan") ?? item?.Price?.Nickname ?? item?.Description;
            return new CheckoutDetails(plan, session.AmountTotal, session.Currency, session.CustomerDetails?.Email, session.CustomerDetails?.Name);
        }
        catch (StripeException ex)
        {
            throw StripeFailures.Classify(ex, Action);
        }
    }
}

/// <summary>What a checkout session says about the purchase; <c>null</c> where Stripe has nothing.</summary>
public sealed record CheckoutDetails(string? Plan, long? Amount, string? Currency, string? Email, string? Name);
