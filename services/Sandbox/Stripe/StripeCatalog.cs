using System.Collections.Concurrent;

namespace Integrations.Sandbox.Stripe;

/// <summary>
/// The sandbox's Stripe account: seeded, deterministic test-mode customers and completed checkout
/// sessions (the same ids and amounts on every start), plus whatever updates callers made to the
/// customers since. Amounts are in the currency's minor unit, as Stripe sends them.
/// </summary>
public sealed class StripeCatalog
{
    /// <summary>When the seeded objects were "created": fixed, so every start serves the same objects.</summary>
    public static readonly DateTimeOffset SeededAt = new(2025, 1, 15, 9, 30, 0, TimeSpan.Zero);

    public static readonly IReadOnlyList<StripeCustomer> SeededCustomers =
    [
        new("cus_SandboxJane01", "jane@example.com", "Jane Doe"),
        new("cus_SandboxOmar02", "omar@example.com", "Omar Haddad"),
        new("cus_SandboxMeiL03", "mei@example.com", "Mei Lin"),
        new("cus_SandboxAkir04", "akira@example.com", "Akira Sato"),
        new("cus_SandboxLena05", "lena@example.com", "Lena Novak"),
    ];

    public static readonly IReadOnlyList<StripeCheckoutSession> SeededSessions =
    [
        new("cs_test_SandboxJanePro01", "cus_SandboxJane01", "Pro", "price_SandboxPro", 4900, "usd"),
        new("cs_test_SandboxOmarTeam02", "cus_SandboxOmar02", "Team", "price_SandboxTeam", 19900, "eur"),
        new("cs_test_SandboxMeiStarter03", "cus_SandboxMeiL03", "Starter", "price_SandboxStarter", 900, "gbp"),
        new("cs_test_SandboxAkiraPro04", "cus_SandboxAkir04", "Pro", "price_SandboxProJpy", 7000, "jpy"),
        new("cs_test_SandboxLenaTeam05", "cus_SandboxLena05", "Team", "price_SandboxTeam", 19900, "eur"),
    ];

    private readonly ConcurrentDictionary<string, StripeCustomer> _customers =
        new(SeededCustomers.Select(c => KeyValuePair.Create(c.Id, c)));

    private readonly Dictionary<string, StripeCheckoutSession> _sessions = SeededSessions.ToDictionary(s => s.Id);

    public StripeCustomer? Customer(string id) => _customers.GetValueOrDefault(id);

    public StripeCheckoutSession? Session(string id) => _sessions.GetValueOrDefault(id);

    /// <summary>Applies an update atomically against the latest state; <c>null</c> when the customer does not exist.</summary>
    public StripeCustomer? Update(string id, Func<StripeCustomer, StripeCustomer> change)
    {
        while (_customers.TryGetValue(id, out var current))
        {
            var next = change(current);
            if (_customers.TryUpdate(id, next, current))
            {
                return next;
            }
        }

        return null;
    }
}

/// <summary>A Stripe customer as the sandbox stores it. An empty metadata value is never stored: Stripe treats it as "unset".</summary>
public sealed record StripeCustomer(string Id, string? Email, string? Name, string? Description = null, string? Phone = null)
{
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The customer in Stripe's wire format (<c>object: customer</c>).</summary>
    public object ToJson() => new
    {
        id = Id,
        @object = "customer",
        address = (object?)null,
        balance = 0,
        created = StripeCatalog.SeededAt.ToUnixTimeSeconds(),
        currency = (string?)null,
        delinquent = false,
        description = Description,
        email = Email,
        invoice_prefix = Id[^8..].ToUpperInvariant(),
        livemode = false,
        metadata = Metadata,
        name = Name,
        phone = Phone,
        preferred_locales = Array.Empty<string>(),
        tax_exempt = "none",
    };
}

/// <summary>A completed, paid subscription checkout for one plan.</summary>
public sealed record StripeCheckoutSession(string Id, string CustomerId, string Plan, string PriceId, long Amount, string Currency)
{
    public string LineItemId => "li_" + Id["cs_test_".Length..];

    /// <summary>The session in Stripe's wire format; <paramref name="customer"/> fills <c>customer_details</c>.</summary>
    public Dictionary<string, object?> ToJson(StripeCustomer? customer) => new()
    {
        ["id"] = Id,
        ["object"] = "checkout.session",
        ["amount_subtotal"] = Amount,
        ["amount_total"] = Amount,
        ["created"] = StripeCatalog.SeededAt.ToUnixTimeSeconds(),
        ["currency"] = Currency,
        ["customer"] = CustomerId,
        ["customer_details"] = new { email = customer?.Email, name = customer?.Name, phone = (string?)null, tax_exempt = "none" },
        ["livemode"] = false,
        ["metadata"] = new Dictionary<string, string> { ["plan"] = Plan },
        ["mode"] = "subscription",
        ["payment_status"] = "paid",
        ["status"] = "complete",
        ["subscription"] = "sub_" + Id["cs_test_".Length..],
        ["url"] = null,
    };

    /// <summary>The session's line items as a Stripe list object.</summary>
    public object LineItemsJson() => new
    {
        @object = "list",
        data = new[]
        {
            new
            {
                id = LineItemId,
                @object = "item",
                amount_discount = 0,
                amount_subtotal = Amount,
                amount_tax = 0,
                amount_total = Amount,
                currency = Currency,
                description = Plan,
                price = new
                {
                    id = PriceId,
                    @object = "price",
                    active = true,
                    currency = Currency,
                    nickname = Plan,
                    product = "prod_" + PriceId["price_".Length..],
                    type = "recurring",
                    unit_amount = Amount,
                    recurring = new { interval = "month", interval_count = 1 },
                },
                quantity = 1,
            },
        },
        has_more = false,
        url = $"/v1/checkout/sessions/{Id}/line_items",
    };
}
