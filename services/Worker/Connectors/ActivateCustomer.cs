using Integrations.Worker.Stripe;
using Microsoft.Extensions.Options;
using Stripe;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Marks a customer active on a plan at Stripe: <c>POST /v1/customers/{id}</c> with metadata
/// <c>plan</c> and <c>activated_by_event</c>, at most once per idempotency key (see
/// <see cref="EffectGuard"/>). The gate's key is also sent as Stripe's <c>Idempotency-Key</c>,
/// unchanged on every retry and restart, so even a retry after a lost answer or an expired lease
/// is applied by Stripe only once. Refusals are sorted by <see cref="StripeFailures"/>.
/// </summary>
public sealed class ActivateCustomer(IStripeClient stripe, EffectGuard guard, IOptions<StripeOptions> options)
{
    public const string Action = nameof(ActivateCustomer);

    /// <summary>Stripe's rate limits are per account: every customer update spends the same budget.</summary>
    public const string Connection = "account";

    /// <returns>The customer id Stripe answered with, or the stored one when it was already activated.</returns>
    public Task<EffectResult> RunAsync(string customerId, string plan, string eventId, string idempotencyKey, CancellationToken cancellationToken, string actor = WriteAudit.Actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(plan);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);

        var metadata = new Dictionary<string, string> { ["plan"] = plan, ["activated_by_event"] = eventId };
        var request = string.Join('\n', metadata.Select(m => $"metadata[{m.Key}]={m.Value}"));
        return guard.RunAsync(new Effect(options.Value.Budget, Connection, Action, customerId, idempotencyKey, request, actor), async ct =>
        {
            try
            {
                var customer = await new CustomerService(stripe).UpdateAsync(
                    customerId,
                    new CustomerUpdateOptions { Metadata = metadata },
                    new RequestOptions { IdempotencyKey = idempotencyKey },
                    ct);
                return customer.Id;
            }
            catch (StripeException ex)
            {
                throw StripeFailures.Classify(ex, Action);
            }
        }, cancellationToken);
    }
}
